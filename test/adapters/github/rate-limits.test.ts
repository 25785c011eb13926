import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PlatformError } from '../../../src/core/errors.js';
import type { GitHubApi } from '../../../src/core/ports/github.js';
import {
  ACME,
  BETA,
  jitRequest,
  startFixture,
  waitFor,
  type GitHubFixture,
} from './github-fixture.js';

const LIST_ORG_RUNNERS = 'GET /orgs/:org/actions/runners';
const SECONDARY_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('installation tokens and rate limits (F13)', () => {
  let fx: GitHubFixture;
  /** The adapter with real waits, since the throttling plugin waits in real time too. */
  let api: GitHubApi;
  beforeEach(async () => {
    fx = await startFixture();
    api = fx.apiWith({ sleep: realSleep });
  });
  afterEach(async () => {
    await fx.close();
  });

  const callsOf = (installationId: number) =>
    fx.sim
      .requests()
      .filter((r) => r.installationId === installationId && r.route === LIST_ORG_RUNNERS);

  it('mints one token for 100 calls of one installation within a minute', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `ghr-1001-small-${i}`);

    const found = await Promise.all(names.map((name) => api.findRunnerByName(ACME, name)));

    expect(found.every((runner) => runner === undefined)).toBe(true);
    expect(callsOf(ACME.installationId).filter((r) => r.status === 200)).toHaveLength(100);
    expect(fx.sim.tokensMinted(ACME.installationId)).toBe(1);
  });

  it('holds an installation until its reset after a 403 with no requests left, and only that one', async () => {
    await Promise.all([api.listRunners(ACME), api.listRunners(BETA)]);
    const resetMs = Math.ceil((Date.now() + 2_000) / 1000) * 1000;
    fx.sim.injectFault({
      route: LIST_ORG_RUNNERS,
      installationId: ACME.installationId,
      status: 403,
      times: 1,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetMs / 1000) },
      body: { message: `API rate limit exceeded for installation ID ${ACME.installationId}.` },
    });

    const limited = api.listRunners(ACME);
    await waitFor('the rate-limit warning', () =>
      fx.logger.entries.some((e) => e.msg === 'GitHub rate limit reached'),
    );
    const startedDuringPause = api.listRunners(ACME);
    const other = await api.listRunners(BETA);
    await Promise.all([limited, startedDuringPause]);

    const acme = callsOf(ACME.installationId);
    const limitedAt = acme.findIndex((r) => r.status === 403);
    const afterLimit = acme.slice(limitedAt + 1);
    expect(afterLimit.map((r) => r.status)).toEqual([200, 200]);
    for (const call of afterLimit) expect(call.at).toBeGreaterThanOrEqual(resetMs);

    const beta = callsOf(BETA.installationId);
    expect(other).toEqual([]);
    expect(beta.map((r) => r.status)).toEqual([200, 200]);
    expect(beta[1]?.at).toBeLessThan(Math.min(...afterLimit.map((r) => r.at)));
  });

  it('obeys Retry-After on a 429', async () => {
    await api.listRunners(ACME);
    fx.sim.injectFault({
      route: LIST_ORG_RUNNERS,
      status: 429,
      times: 1,
      headers: { 'retry-after': '1' },
      body: { message: SECONDARY_LIMIT_MESSAGE },
    });

    await api.listRunners(ACME);

    const [, refused, retried] = callsOf(ACME.installationId);
    expect([refused?.status, retried?.status]).toEqual([429, 200]);
    expect(Number(retried?.at) - Number(refused?.at)).toBeGreaterThanOrEqual(1_000);
  });

  it('gives the work back as retryable throttled once the bounded retries are spent', async () => {
    await api.listRunners(ACME);
    fx.sim.injectFault({
      route: LIST_ORG_RUNNERS,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { message: SECONDARY_LIMIT_MESSAGE },
    });

    const failure = await api.listRunners(ACME).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PlatformError);
    expect(failure).toMatchObject({
      code: 'throttled',
      retryable: true,
      retryAfterMs: 1_000,
      details: { status: 429 },
    });
    expect(callsOf(ACME.installationId).map((r) => r.status)).toEqual([200, 429, 429, 429]);
  });

  it('does not sit out a reset an hour away: the call and later ones fail fast, others go on', async () => {
    await Promise.all([api.listRunners(ACME), api.listRunners(BETA)]);
    const resetS = Math.ceil(Date.now() / 1000) + 3_600;
    fx.sim.injectFault({
      route: LIST_ORG_RUNNERS,
      installationId: ACME.installationId,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetS) },
      body: { message: `API rate limit exceeded for installation ID ${ACME.installationId}.` },
    });

    const first = await api.listRunners(ACME).catch((error: unknown) => error);
    const second = await api.findRunnerByName(ACME, 'ghr-x').catch((error: unknown) => error);
    const other = await api.listRunners(BETA);

    for (const failure of [first, second]) {
      expect(failure).toMatchObject({ code: 'throttled', retryable: true });
      expect((failure as PlatformError).retryAfterMs).toBeGreaterThan(3_500_000);
    }
    expect(callsOf(ACME.installationId).map((r) => r.status)).toEqual([200, 403]);
    expect(other).toEqual([]);
  });
});

describe('per-installation queues', () => {
  let fx: GitHubFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('does not queue one installation’s registrations behind another’s', async () => {
    // Octokit spaces the writes of one throttling id a second apart. Tokens and runner
    // groups are fetched first, so only the registrations themselves queue below.
    await Promise.all([
      fx.api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-q0')),
      fx.api.generateJitConfig(jitRequest(BETA, 'ghr-3003-small-q0')),
    ]);
    const posts = () => fx.sim.requests().filter((r) => r.route.endsWith('generate-jitconfig'));

    const burst = [
      fx.api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-q1')),
      fx.api.generateJitConfig(jitRequest(ACME, 'ghr-1001-small-q2')),
    ];
    await waitFor('the first registration of the burst', () => posts().length === 3);
    await fx.api.generateJitConfig(jitRequest(BETA, 'ghr-3003-small-q3'));
    await Promise.all(burst);

    const order = posts().map((r) => r.installationId);
    expect(order).toEqual([
      expect.any(Number),
      expect.any(Number),
      ACME.installationId,
      BETA.installationId,
      ACME.installationId,
    ]);
  });
});
