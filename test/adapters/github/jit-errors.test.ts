import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PlatformError } from '../../../src/core/errors.js';
import {
  ACME,
  ALICE,
  jitRequest,
  runnerCallsOf,
  startFixture,
  type GitHubFixture,
} from './github-fixture.js';

const ORG_JIT = 'POST /orgs/:org/actions/runners/generate-jitconfig';
const REPO_JIT = 'POST /repos/:owner/:repo/actions/runners/generate-jitconfig';
const NAME = 'ghr-1001-small-k1';

describe('JIT registration errors (F14)', () => {
  let fx: GitHubFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  const runnerCalls = () => runnerCallsOf(fx.sim);

  describe('5xx: GitHub may have made the runner', () => {
    it('succeeds on 503, 503, 201 with a look-up before each new try and backoff between', async () => {
      fx.sim.injectFault({ route: REPO_JIT, status: 503, times: 2 });

      const jit = await fx.api.generateJitConfig(jitRequest(ALICE, 'ghr-2002-small-m1'));

      const list = 'GET /repos/:owner/:repo/actions/runners 200';
      expect(runnerCalls()).toEqual([
        `${REPO_JIT} 503`,
        list,
        `${REPO_JIT} 503`,
        list,
        `${REPO_JIT} 201`,
      ]);
      expect(fx.sleeps).toEqual([1_000, 2_000]);
      expect(fx.sim.runners().map((r) => r.id)).toEqual([jit.githubRunnerId]);
    });

    it('deletes a runner GitHub made before failing, so the next try does not meet a 409', async () => {
      // The simulator answers a fault without handling the request, so the runner GitHub
      // "made anyway" is registered up front under the same name.
      const madeAnyway = await fx.api.generateJitConfig(jitRequest(ALICE, 'ghr-2002-small-m2'));
      fx.sim.injectFault({ route: REPO_JIT, status: 502, times: 1 });

      const jit = await fx.api.generateJitConfig(jitRequest(ALICE, 'ghr-2002-small-m2'));

      expect(runnerCalls().slice(1)).toEqual([
        `${REPO_JIT} 502`,
        'GET /repos/:owner/:repo/actions/runners 200',
        'DELETE /repos/:owner/:repo/actions/runners/:runner_id 204',
        `${REPO_JIT} 201`,
      ]);
      expect(fx.sim.runners().map((r) => r.id)).toEqual([jit.githubRunnerId]);
      expect(jit.githubRunnerId).not.toBe(madeAnyway.githubRunnerId);
    });

    it('gives up after three 503s with a retryable unavailable, leaving no runner behind', async () => {
      await fx.api.generateJitConfig(jitRequest(ACME, NAME));
      fx.sim.injectFault({ route: ORG_JIT, status: 503 });

      const failure = await fx.api
        .generateJitConfig(jitRequest(ACME, NAME))
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(PlatformError);
      expect(failure).toMatchObject({
        code: 'unavailable',
        retryable: true,
        details: { status: 503 },
      });
      expect((failure as Error).message).toContain('GitHub answered 503');
      expect(runnerCalls().filter((c) => c.startsWith(ORG_JIT))).toEqual([
        `${ORG_JIT} 201`,
        `${ORG_JIT} 503`,
        `${ORG_JIT} 503`,
        `${ORG_JIT} 503`,
      ]);
      expect(fx.sleeps).toEqual([1_000, 2_000]);
      expect(fx.sim.runners()).toEqual([]);
    });

    it('keeps trying when the look-up after a 5xx fails too', async () => {
      fx.sim.injectFault({ route: ORG_JIT, status: 500, times: 1 });
      fx.sim.injectFault({ route: 'GET /orgs/:org/actions/runners', status: 500, times: 1 });

      const jit = await fx.api.generateJitConfig(jitRequest(ACME, NAME));

      expect(fx.sim.runners().map((r) => r.id)).toEqual([jit.githubRunnerId]);
      expect(
        fx.logger.entries.some(
          (e) => e.level === 'warn' && e.msg.startsWith('could not check for a runner'),
        ),
      ).toBe(true);
    });
  });

  describe('422 and 403: refused for good', () => {
    it.each([
      [422, 'Runner group is full and cannot accept more runners.'],
      [403, 'Resource not accessible by integration'],
    ])('%i is rejected after exactly one call, with GitHub’s message', async (status, message) => {
      fx.sim.injectFault({ route: ORG_JIT, status, body: { message } });

      const failure = await fx.api
        .generateJitConfig(jitRequest(ACME, NAME))
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(PlatformError);
      expect(failure).toMatchObject({ code: 'rejected', retryable: false, details: { status } });
      expect((failure as Error).message).toContain(message);
      expect((failure as PlatformError).details['request_id']).toMatch(/^[0-9A-F:]+$/);
      expect(runnerCalls()).toEqual([`${ORG_JIT} ${status}`]);
      expect(fx.sleeps).toEqual([]);
    });
  });
});
