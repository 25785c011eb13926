import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PlatformError } from '../../../src/core/errors.js';
import {
  ACME,
  PREFIX,
  jitRequest,
  runnerCallsOf,
  makeBusy,
  startFixture,
  type GitHubFixture,
} from './github-fixture.js';

const ORG_JIT = 'POST /orgs/:org/actions/runners/generate-jitconfig';
const NAME = 'ghr-1001-small-k1';

describe('JIT registration: name conflicts (F14)', () => {
  let fx: GitHubFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  const runnerCalls = () => runnerCallsOf(fx.sim);

  describe('409: the name exists', () => {
    it('deletes our idle runner that holds the name and succeeds on the one retry', async () => {
      const stale = await fx.api.generateJitConfig(jitRequest(ACME, NAME));

      const jit = await fx.api.generateJitConfig(jitRequest(ACME, NAME));

      expect(jit.githubRunnerId).not.toBe(stale.githubRunnerId);
      expect(fx.sim.runners().map((r) => [r.name, r.id])).toEqual([[NAME, jit.githubRunnerId]]);
      expect(runnerCalls()).toEqual([
        `${ORG_JIT} 201`,
        `${ORG_JIT} 409`,
        'GET /orgs/:org/actions/runners 200',
        'DELETE /orgs/:org/actions/runners/:runner_id 204',
        `${ORG_JIT} 201`,
      ]);
    });

    it('leaves a busy runner alone and reports a conflict', async () => {
      const busy = await fx.api.generateJitConfig(jitRequest(ACME, NAME));
      await makeBusy(fx.sim, busy.encodedJitConfig, 'app');

      const failure = await fx.api
        .generateJitConfig(jitRequest(ACME, NAME))
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(PlatformError);
      expect(failure).toMatchObject({ code: 'conflict', retryable: false });
      expect(fx.sim.runners()).toEqual([
        expect.objectContaining({ id: busy.githubRunnerId, busy: true }),
      ]);
      expect(runnerCalls().filter((c) => c.startsWith('DELETE'))).toEqual([]);
    });

    it('leaves a runner whose name lacks our prefix alone and reports a conflict', async () => {
      const foreignName = 'build-box-7';
      const foreign = await fx.api.generateJitConfig(jitRequest(ACME, foreignName));

      const failure = await fx.api
        .generateJitConfig(jitRequest(ACME, foreignName))
        .catch((error: unknown) => error);

      expect(foreignName.startsWith(PREFIX)).toBe(false);
      expect(failure).toMatchObject({ code: 'conflict', retryable: false });
      expect(fx.sim.runners().map((r) => r.id)).toEqual([foreign.githubRunnerId]);
      expect(runnerCalls().filter((c) => c.startsWith('DELETE'))).toEqual([]);
    });

    it('tries once more only: a second 409 is a conflict, not a loop', async () => {
      await fx.api.generateJitConfig(jitRequest(ACME, NAME));
      fx.sim.injectFault({ route: ORG_JIT, status: 409, body: { message: 'Already exists' } });

      const failure = await fx.api
        .generateJitConfig(jitRequest(ACME, NAME))
        .catch((error: unknown) => error);

      expect(failure).toMatchObject({ code: 'conflict', details: { status: 409 } });
      expect(runnerCalls().filter((c) => c.startsWith(ORG_JIT))).toEqual([
        `${ORG_JIT} 201`,
        `${ORG_JIT} 409`,
        `${ORG_JIT} 409`,
      ]);
    });
  });
});
