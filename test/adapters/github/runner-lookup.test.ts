import { createServer } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createGitHubApi } from '../../../src/adapters/github/octokit-github.js';
import { PlatformError } from '../../../src/core/errors.js';
import type { LogFields, Logger } from '../../../src/core/ports/telemetry.js';
import {
  ACME,
  ALICE,
  APP_ID,
  PREFIX,
  PRIVATE_KEY_PEM,
  jitRequest,
  setupClient,
  startFixture,
  type GitHubFixture,
} from './github-fixture.js';

const LIST_ORG_RUNNERS = 'GET /orgs/:org/actions/runners';
const LIST_REPO_RUNNERS = 'GET /repos/:owner/:repo/actions/runners';

/** Registers `count` runners on alice/dotfiles straight through the REST API. */
async function registerMany(fx: GitHubFixture, count: number): Promise<void> {
  const client = setupClient(fx.sim, ALICE.installationId);
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.request('POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig', {
        owner: ALICE.owner,
        repo: ALICE.repo,
        name: `ghr-2002-small-${String(i).padStart(3, '0')}`,
        runner_group_id: 1,
        labels: ['self-hosted', 'linux'],
      }),
    ),
  );
}

describe('listing, finding and deleting runners', () => {
  let fx: GitHubFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  const listCalls = () => fx.sim.requests().filter((r) => r.route === LIST_REPO_RUNNERS);

  it('follows pagination to the last runner', async () => {
    await registerMany(fx, 130);

    const runners = await fx.api.listRunners(ALICE);

    expect(runners).toHaveLength(130);
    expect(new Set(runners.map((r) => r.id)).size).toBe(130);
    expect(runners.find((r) => r.name === 'ghr-2002-small-129')).toEqual({
      id: expect.any(Number),
      name: 'ghr-2002-small-129',
      status: 'offline',
      busy: false,
      labels: ['self-hosted', 'linux'],
    });
    expect(listCalls()).toHaveLength(2);
  });

  it('finds one runner with the name filter, in one call', async () => {
    await registerMany(fx, 130);

    const found = await fx.api.findRunnerByName(ALICE, 'ghr-2002-small-120');
    const missing = await fx.api.findRunnerByName(ALICE, 'ghr-2002-small-999');

    expect(found?.name).toBe('ghr-2002-small-120');
    expect(missing).toBeUndefined();
    expect(listCalls()).toHaveLength(2);
  });

  it('deletes a runner, and treats one already gone as deleted', async () => {
    const jit = await fx.api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-p1'));

    await fx.api.deleteRunner(ACME, jit.githubRunnerId);
    await fx.api.deleteRunner(ACME, jit.githubRunnerId);

    expect(fx.sim.runners()).toEqual([]);
    const deletes = fx.sim.requests().filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.status)).toEqual([204, 404]);
  });

  it('reports a refused delete of a busy runner as rejected', async () => {
    fx.sim.injectFault({
      route: 'DELETE /orgs/:org/actions/runners/:runner_id',
      status: 422,
      body: { message: 'Bad request - Runner "ghr-1001-small-p2" is still running a job' },
    });

    await expect(fx.api.deleteRunner(ACME, 1234)).rejects.toMatchObject({
      code: 'rejected',
      details: { status: 422 },
    });
  });
});

describe('errors at the boundary', () => {
  let fx: GitHubFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it.each([
    [404, 'not_found', false],
    [409, 'conflict', false],
    [422, 'rejected', false],
    [403, 'rejected', false],
    [500, 'unavailable', true],
    [502, 'unavailable', true],
    [503, 'unavailable', true],
  ] as const)('turns a %i into %s (retryable %s)', async (status, code, retryable) => {
    fx.sim.injectFault({ route: LIST_ORG_RUNNERS, status, times: 1 });

    const failure = await fx.api.listRunners(ACME).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PlatformError);
    expect(failure).toMatchObject({ code, retryable, details: { status } });
    expect((failure as PlatformError).details['request_id']).toMatch(/^[0-9A-F:]+$/);
    expect((failure as Error).message).toContain('listing runners of org acme');
  });

  it('turns a 401 on the installation token into unauthorized', async () => {
    fx.sim.injectFault({
      route: 'POST /app/installations/:installation_id/access_tokens',
      status: 401,
      body: { message: 'Bad credentials' },
    });

    await expect(fx.api.listRunners(ACME)).rejects.toMatchObject({
      code: 'unauthorized',
      retryable: false,
      details: { status: 401 },
    });
  });

  it('turns a connection that cannot be made into a retryable unavailable', async () => {
    const port = await closedLoopbackPort();
    const api = fx.apiWith({ baseUrl: `http://127.0.0.1:${port}` });

    await expect(api.getInstallation(ACME.installationId)).rejects.toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
  });

  it.each([
    ['an app id that is not a positive integer', { appId: 0 }],
    ['an empty runner name prefix', { runnerNamePrefix: '' }],
    ['a private key that is not a key', { privateKeyPem: 'not a key' }],
    ['a base URL that is not a URL', { baseUrl: 'api.github.com' }],
  ])('refuses %s at once, as invalid_config', (_what, override) => {
    const create = () =>
      createGitHubApi({
        appId: APP_ID,
        privateKeyPem: PRIVATE_KEY_PEM,
        baseUrl: fx.sim.url,
        logger: fx.logger,
        runnerNamePrefix: PREFIX,
        ...override,
      });

    expect(create).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(fx.sim.requests()).toEqual([]);
  });
  it('accepts a private key whose line breaks are written as \\n', async () => {
    const api = fx.apiWith({ privateKeyPem: PRIVATE_KEY_PEM.replace(/\n/g, '\\n') });

    const installation = await api.getInstallation(ACME.installationId);

    expect(installation.accountLogin).toBe('acme');
  });
});

describe('secrets stay out of logs and errors', () => {
  let fx: GitHubFixture;
  afterEach(async () => {
    await fx.close();
  });

  it('logs no token, JWT, key or JIT config along a full registration with failures', async () => {
    fx = await startFixture({ now: () => Date.now() - 90_000 });
    const lines: string[] = [];
    const api = fx.apiWith({ logger: rawLogger(lines) });
    fx.sim.injectFault({ route: LIST_ORG_RUNNERS, status: 500, times: 1 });
    fx.sim.injectFault({
      route: 'POST /orgs/:org/actions/runners/generate-jitconfig',
      status: 503,
      times: 1,
    });
    await api.getInstallation(ACME.installationId);

    const jit = await api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-s1'));
    await api.listRunners(ACME);
    await api.deleteRunner(ACME, jit.githubRunnerId);
    fx.sim.injectFault({ route: LIST_ORG_RUNNERS, status: 422 });
    const failure = await api.listRunners(ACME).catch((error: unknown) => error);

    const everything = [...lines, (failure as Error).message].join('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(everything).toContain('skew_seconds');
    expect(everything).not.toContain(jit.encodedJitConfig);
    expect(everything).not.toMatch(/ghs_|eyJ|PRIVATE KEY|bearer |token /i);
  });
});

/** Every line, unredacted, so a leak cannot hide behind the JSON logger's redaction. */
function rawLogger(lines: string[], bindings: LogFields = {}): Logger {
  const write =
    (level: string) =>
    (message: string, fields: LogFields = {}) => {
      lines.push(JSON.stringify({ level, message, ...bindings, ...fields }));
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => rawLogger(lines, { ...bindings, ...more }),
  };
}

/** A loopback port that was free a moment ago and has nothing listening now. */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
