import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PlatformError } from '../../../src/core/errors.js';
import {
  ACME,
  ALICE,
  SMALL_LABELS,
  decodeJitConfig,
  jitRequest,
  startFixture,
  type GitHubFixture,
} from './github-fixture.js';

const ORG_JIT = 'POST /orgs/:org/actions/runners/generate-jitconfig';
const REPO_JIT = 'POST /repos/:owner/:repo/actions/runners/generate-jitconfig';
const LIST_GROUPS = 'GET /orgs/:org/actions/runner-groups';

describe('JIT registration scope (F7)', () => {
  let fx: GitHubFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('registers an organisation runner at org level, with the tier labels exactly as given', async () => {
    const jit = await fx.api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-a1'));

    const routes = fx.sim.requests().map((r) => `${r.route} ${r.status}`);
    expect(routes).toContain(`${ORG_JIT} 201`);
    expect(routes.some((r) => r.startsWith(REPO_JIT))).toBe(false);

    const [runner] = fx.sim.runners();
    expect(fx.sim.runners()).toHaveLength(1);
    expect(runner).toMatchObject({
      id: jit.githubRunnerId,
      name: 'ghr-1001-small-a1',
      owner: 'acme',
      labels: [...SMALL_LABELS],
      installationId: ACME.installationId,
    });
    expect(runner?.repo).toBeUndefined();
    expect(decodeJitConfig(jit.encodedJitConfig).runner_id).toBe(jit.githubRunnerId);
  });

  it('registers a User account runner on the repository, in the repository group 1', async () => {
    const jit = await fx.api.generateJitConfig(jitRequest(ALICE, 'ghr-2002-small-b2'));

    const jitCalls = fx.sim.requests().filter((r) => r.route.endsWith('generate-jitconfig'));
    expect(jitCalls.map((r) => [r.route, r.path, r.status])).toEqual([
      [REPO_JIT, '/repos/alice/dotfiles/actions/runners/generate-jitconfig', 201],
    ]);
    expect(fx.sim.requests().some((r) => r.route === LIST_GROUPS)).toBe(false);
    expect(fx.sim.runners()).toEqual([
      expect.objectContaining({
        id: jit.githubRunnerId,
        owner: 'alice',
        repo: 'dotfiles',
        labels: [...SMALL_LABELS],
        runnerGroupId: 1,
      }),
    ]);
  });
});

describe('runner group choice', () => {
  let fx: GitHubFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('uses the group marked default when the tenant names none, whatever its id', async () => {
    const tenantPool = fx.sim.addRunnerGroup('acme', { name: 'Tenant pool', default: true });

    await fx.api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-c3'));

    expect(tenantPool.id).not.toBe(1);
    expect(fx.sim.runners()[0]?.runnerGroupId).toBe(tenantPool.id);
  });

  it('uses the built-in default group, which GitHub does not number 1', async () => {
    const other = fx.sim.addRunnerGroup('acme', { name: 'Other' });

    await fx.api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-c4'));

    const groupId = fx.sim.runners()[0]?.runnerGroupId;
    expect(groupId).not.toBe(1);
    expect(groupId).not.toBe(other.id);
  });

  it('picks a group by its name, in any case', async () => {
    fx.sim.addRunnerGroup('acme', { name: 'Small pool' });
    const large = fx.sim.addRunnerGroup('acme', { name: 'Large pool' });

    await fx.api.generateJitConfig(
      jitRequest(ACME, 'ghr-1001-large-d4', { runnerGroup: 'large POOL' }),
    );

    expect(fx.sim.runners()[0]?.runnerGroupId).toBe(large.id);
  });

  it('rejects an unknown group name, naming it, without calling generate-jitconfig', async () => {
    const failure = await fx.api
      .generateJitConfig(jitRequest(ACME, 'ghr-1001-small-e5', { runnerGroup: 'Nope pool' }))
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PlatformError);
    expect(failure).toMatchObject({ code: 'rejected', retryable: false });
    expect((failure as Error).message).toContain("'Nope pool'");
    expect(fx.sim.requests().some((r) => r.route === ORG_JIT)).toBe(false);
    expect(fx.sim.runners()).toEqual([]);
  });

  it('lists the groups once for several registrations, and again for a group made since', async () => {
    await fx.api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-f1'));
    await fx.api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-f2'));
    const groupLists = () => fx.sim.requests().filter((r) => r.route === LIST_GROUPS).length;
    expect(groupLists()).toBe(1);

    const late = fx.sim.addRunnerGroup('acme', { name: 'Late pool' });
    await fx.api.generateJitConfig(
      jitRequest(ACME, 'ghr-1001-small-f3', { runnerGroup: 'Late pool' }),
    );

    expect(groupLists()).toBe(2);
    expect(fx.sim.runners().find((r) => r.name === 'ghr-1001-small-f3')?.runnerGroupId).toBe(
      late.id,
    );
  });

  it('lists the groups again once the cache is a few minutes old', async () => {
    let clock = Date.now();
    const api = fx.apiWith({ now: () => clock });
    await api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-g1'));
    const changed = fx.sim.addRunnerGroup('acme', { name: 'New default', default: true });

    clock += 10 * 60_000;
    await api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-g2'));

    expect(fx.sim.requests().filter((r) => r.route === LIST_GROUPS)).toHaveLength(2);
    expect(fx.sim.runners().find((r) => r.name === 'ghr-1001-small-g2')?.runnerGroupId).toBe(
      changed.id,
    );
  });
});

describe('GitHub Enterprise Server base URL', () => {
  let fx: GitHubFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('serves every call under /api/v3, App routes included', async () => {
    const api = fx.apiWith({ baseUrl: `${fx.sim.url}/api/v3/` });

    const installation = await api.getInstallation(ACME.installationId);
    const jit = await api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-h1'));
    const found = await api.findRunnerByName(ACME, 'ghr-1001-small-h1');

    expect(installation.accountLogin).toBe('acme');
    expect(found?.id).toBe(jit.githubRunnerId);
    expect(fx.sim.requests().every((r) => r.status < 400)).toBe(true);
  });

  it('keeps the path of the base URL: a path the server does not serve fails', async () => {
    const api = fx.apiWith({ baseUrl: `${fx.sim.url}/elsewhere` });

    await expect(api.getInstallation(ACME.installationId)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(fx.sim.requests().map((r) => r.path)).toEqual(['/elsewhere/app/installations/1001']);
  });
});
