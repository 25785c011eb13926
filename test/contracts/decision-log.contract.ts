import { describe, expect, it } from 'vitest';

import type { Decision } from '../../src/core/decision.js';
import type { DecisionLog } from '../../src/core/ports/decision-log.js';
import { expectRefused, minutesIn } from './fixtures.js';

/** Makes an empty decision log for one test that keeps `keepPerTenant` per tenant. */
export type DecisionLogFactory = (keepPerTenant: number) => DecisionLog;

function aDecision(overrides: Partial<Decision> = {}): Decision {
  return {
    installationId: 101,
    tier: 'small',
    reason: 'launched',
    launched: 1,
    jobId: undefined,
    detail: undefined,
    at: minutesIn(1),
    ...overrides,
  };
}

/** What every `DecisionLog` must do, so `ghr tenants show` reads the same on every backend. */
export function decisionLogContract(createLog: DecisionLogFactory): void {
  describe('record and listRecent', () => {
    it('lists a tenant decisions newest first, with every field as recorded', async () => {
      const log = createLog(10);
      await log.record(aDecision({ at: minutesIn(1) }));
      await log.record(
        aDecision({ reason: 'at_tenant_limit', launched: 0, tier: 'medium', at: minutesIn(2) }),
      );
      await log.record(
        aDecision({
          reason: 'no_matching_tier',
          tier: undefined,
          launched: 0,
          detail: 'labels self-hosted, gpu',
          at: minutesIn(3),
        }),
      );

      const recent = await log.listRecent(101, 10);

      expect(recent).toEqual([
        {
          installationId: 101,
          tier: undefined,
          reason: 'no_matching_tier',
          launched: 0,
          jobId: undefined,
          detail: 'labels self-hosted, gpu',
          at: minutesIn(3),
          lastAt: minutesIn(3),
          repeats: 1,
        },
        expect.objectContaining({ reason: 'at_tenant_limit', tier: 'medium', at: minutesIn(2) }),
        expect.objectContaining({ reason: 'launched', launched: 1, at: minutesIn(1) }),
      ]);
    });

    it('keeps tenants apart', async () => {
      const log = createLog(10);
      await log.record(aDecision({ installationId: 101 }));
      await log.record(aDecision({ installationId: 202, reason: 'tenant_suspended', launched: 0 }));

      expect((await log.listRecent(202, 10)).map((d) => d.reason)).toEqual(['tenant_suspended']);
      expect((await log.listRecent(101, 10)).map((d) => d.reason)).toEqual(['launched']);
      expect(await log.listRecent(303, 10)).toEqual([]);
    });

    it('returns at most `limit` decisions, the newest', async () => {
      const log = createLog(10);
      for (let minute = 1; minute <= 4; minute += 1) {
        await log.record(aDecision({ jobId: minute, at: minutesIn(minute) }));
      }

      const recent = await log.listRecent(101, 2);

      expect(recent.map((d) => d.jobId)).toEqual([4, 3]);
    });

    it('folds a repeat of the newest decision into it, counting and moving its last time', async () => {
      const log = createLog(10);
      await log.record(aDecision({ reason: 'launched', launched: 2, at: minutesIn(1) }));
      for (let minute = 2; minute <= 4; minute += 1) {
        await log.record(
          aDecision({ reason: 'at_tenant_limit', launched: 0, at: minutesIn(minute) }),
        );
      }

      const recent = await log.listRecent(101, 10);

      expect(recent).toHaveLength(2);
      expect(recent[0]).toMatchObject({
        reason: 'at_tenant_limit',
        at: minutesIn(2),
        lastAt: minutesIn(4),
        repeats: 3,
      });
      expect(recent[1]).toMatchObject({ reason: 'launched', repeats: 1 });
    });

    it('does not fold decisions that launched runners, or that differ in tier or job', async () => {
      const log = createLog(10);
      await log.record(aDecision({ launched: 1, at: minutesIn(1) }));
      await log.record(aDecision({ launched: 1, at: minutesIn(2) }));
      await log.record(aDecision({ reason: 'at_tier_limit', launched: 0, at: minutesIn(3) }));
      await log.record(
        aDecision({ reason: 'at_tier_limit', launched: 0, tier: 'large', at: minutesIn(4) }),
      );
      await log.record(
        aDecision({ reason: 'tenant_suspended', launched: 0, jobId: 7, at: minutesIn(5) }),
      );
      await log.record(
        aDecision({ reason: 'tenant_suspended', launched: 0, jobId: 8, at: minutesIn(6) }),
      );

      const recent = await log.listRecent(101, 10);

      expect(recent.map((d) => d.repeats)).toEqual([1, 1, 1, 1, 1, 1]);
    });

    it('keeps only the newest decisions of a tenant beyond its retention', async () => {
      const log = createLog(3);
      for (let minute = 1; minute <= 5; minute += 1) {
        await log.record(aDecision({ jobId: minute, at: minutesIn(minute) }));
      }
      await log.record(aDecision({ installationId: 202, at: minutesIn(6) }));

      expect((await log.listRecent(101, 10)).map((d) => d.jobId)).toEqual([5, 4, 3]);
      expect(await log.listRecent(202, 10)).toHaveLength(1);
    });

    it.each<[string, Partial<Decision>, string, string]>([
      ['a bad installation id', { installationId: 0 }, 'installationId', '0'],
      ['an unknown reason', { reason: 'felt_like_it' as never }, 'reason', '"felt_like_it"'],
      ['a negative launch count', { launched: -1 }, 'launched', '-1'],
      ['a time that is not ISO', { at: 'yesterday' }, 'at', '"yesterday"'],
    ])('refuses %s, naming the field and value, and keeps nothing', async (_, bad, field, seen) => {
      const log = createLog(10);

      await expectRefused(log.record(aDecision(bad)), 'invalid_input', field, seen);
      expect(await log.listRecent(bad.installationId ?? 101, 10)).toEqual([]);
    });
  });
}
