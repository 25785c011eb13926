import { describe, expect, it } from 'vitest';

import type { JobObservation } from '../../src/core/job.js';
import type { Ledger, SlotDecision, SlotRequest } from '../../src/core/ports/ledger.js';
import { aJob, aSlotRequest, minutesIn } from './fixtures.js';
import type { LedgerFactory } from './ledger.contract.js';

/** What every `Ledger` must do when it grants or refuses slots. */
export function ledgerSlotsContract(createLedger: LedgerFactory): void {
  let nextJobId = 1;
  const queue = async (
    ledger: Ledger,
    count: number,
    job: Partial<JobObservation> = {},
  ): Promise<void> => {
    for (let i = 0; i < count; i += 1) await ledger.observeJob(aJob({ id: nextJobId++, ...job }));
  };

  let nextRunner = 1;
  const take = (ledger: Ledger, request: Partial<SlotRequest> = {}): Promise<SlotDecision> =>
    ledger.takeSlot(aSlotRequest({ runnerName: `ghr-${nextRunner++}`, ...request }));

  const takeRunner = async (
    ledger: Ledger,
    request: Partial<SlotRequest> = {},
  ): Promise<string> => {
    const decision = await take(ledger, request);
    if (!decision.taken) throw new Error(`expected a slot, was refused: ${decision.reason}`);
    return decision.runner.name;
  };

  describe('demand', () => {
    it('refuses with no_demand when the tier has no queued job', async () => {
      const ledger = createLedger();

      expect(await take(ledger)).toEqual({ taken: false, reason: 'no_demand' });
      expect(await ledger.listRunners()).toEqual([]);
    });

    it('counts only queued jobs of this tenant and tier as demand', async () => {
      const ledger = createLedger();
      await queue(ledger, 1, { status: 'waiting' });
      await queue(ledger, 1, { status: 'in_progress' });
      await queue(ledger, 1, { status: 'completed' });
      await queue(ledger, 1, { tier: 'large' });
      await queue(ledger, 1, { installationId: 202 });

      expect(await take(ledger)).toEqual({ taken: false, reason: 'no_demand' });
    });

    it('counts launching and idle runners against demand, busy ones not', async () => {
      const ledger = createLedger();
      await queue(ledger, 2);
      const launching = await takeRunner(ledger);
      const idle = await takeRunner(ledger);
      await ledger.updateRunner(idle, { state: 'idle', at: minutesIn(3) });

      const covered = await take(ledger);
      await ledger.updateRunner(launching, { state: 'busy', at: minutesIn(4) });
      const uncovered = await take(ledger);

      expect(covered).toEqual({ taken: false, reason: 'no_demand' });
      expect(uncovered.taken).toBe(true);
    });

    it('checks demand before the limits', async () => {
      const ledger = createLedger();

      const decision = await take(ledger, { limits: { tenantMax: 0, tierMax: 0 } });

      expect(decision).toEqual({ taken: false, reason: 'no_demand' });
    });
  });

  describe('limits', () => {
    it('refuses at_tenant_limit when the tenant holds its slots across tiers', async () => {
      const ledger = createLedger();
      await queue(ledger, 1, { tier: 'large' });
      await queue(ledger, 2);
      await takeRunner(ledger, { tier: 'large', limits: { tenantMax: 2, tierMax: 5 } });
      await takeRunner(ledger, { limits: { tenantMax: 2, tierMax: 5 } });

      const decision = await take(ledger, { limits: { tenantMax: 2, tierMax: 5 } });

      expect(decision).toEqual({ taken: false, reason: 'at_tenant_limit' });
      expect(await ledger.listRunners({ installationId: 101 })).toHaveLength(2);
    });

    it('refuses at_tier_limit when the tier is full and the tenant is not', async () => {
      const ledger = createLedger();
      await queue(ledger, 2);
      await takeRunner(ledger, { limits: { tenantMax: 10, tierMax: 1 } });

      const decision = await take(ledger, { limits: { tenantMax: 10, tierMax: 1 } });

      expect(decision).toEqual({ taken: false, reason: 'at_tier_limit' });
    });

    it('names the tenant limit first when both limits are reached', async () => {
      const ledger = createLedger();
      await queue(ledger, 2);
      await takeRunner(ledger, { limits: { tenantMax: 1, tierMax: 1 } });

      const decision = await take(ledger, { limits: { tenantMax: 1, tierMax: 1 } });

      expect(decision).toEqual({ taken: false, reason: 'at_tenant_limit' });
    });

    it('does not count another tenant’s runners', async () => {
      const ledger = createLedger();
      await queue(ledger, 1, { installationId: 202 });
      await queue(ledger, 1);
      await takeRunner(ledger, { installationId: 202, limits: { tenantMax: 1, tierMax: 1 } });

      const decision = await take(ledger, { limits: { tenantMax: 1, tierMax: 1 } });

      expect(decision.taken).toBe(true);
    });

    it('frees a slot when its runner is done', async () => {
      const ledger = createLedger();
      await queue(ledger, 3);
      const limits = { tenantMax: 1, tierMax: 1 };
      const first = await takeRunner(ledger, { limits });
      const whileHeld = await take(ledger, { limits });

      await ledger.updateRunner(first, {
        state: 'done',
        doneReason: 'completed',
        at: minutesIn(5),
      });
      const afterDone = await take(ledger, { limits });

      expect(whileHeld).toEqual({ taken: false, reason: 'at_tenant_limit' });
      expect(afterDone.taken).toBe(true);
    });
  });

  describe('repository scope', () => {
    it('counts only the jobs and runners of the requested repository', async () => {
      const ledger = createLedger();
      await queue(ledger, 1, { repository: 'octo-user/a' });
      await queue(ledger, 1, { repository: 'octo-user/b' });
      await takeRunner(ledger, { repository: 'octo-user/a' });

      const forA = await take(ledger, { repository: 'octo-user/a' });
      const forB = await take(ledger, { repository: 'octo-user/b' });
      const forC = await take(ledger, { repository: 'octo-user/c' });

      expect(forA).toEqual({ taken: false, reason: 'no_demand' });
      expect(forB).toMatchObject({ taken: true, runner: { repository: 'octo-user/b' } });
      expect(forC).toEqual({ taken: false, reason: 'no_demand' });
    });

    it('still counts every runner of the tenant against its limit', async () => {
      const ledger = createLedger();
      await queue(ledger, 1, { repository: 'octo-user/a' });
      await queue(ledger, 1, { repository: 'octo-user/b' });
      const limits = { tenantMax: 1, tierMax: 5 };
      await takeRunner(ledger, { repository: 'octo-user/a', limits });

      const decision = await take(ledger, { repository: 'octo-user/b', limits });

      expect(decision).toEqual({ taken: false, reason: 'at_tenant_limit' });
    });
  });

  describe('racing workers', () => {
    it('grants exactly tenantMax slots to 50 concurrent takers with 50 queued jobs', async () => {
      const ledger = createLedger();
      await queue(ledger, 50);

      const decisions = await Promise.all(
        Array.from({ length: 50 }, () => take(ledger, { limits: { tenantMax: 2, tierMax: 10 } })),
      );

      expect(decisions.filter((d) => d.taken)).toHaveLength(2);
      expect(decisions.filter((d) => !d.taken && d.reason === 'at_tenant_limit')).toHaveLength(48);
      expect(await ledger.listRunners({ installationId: 101 })).toHaveLength(2);
    });

    it('grants no more slots than there are queued jobs, however high the limit', async () => {
      const ledger = createLedger();
      await queue(ledger, 3);

      const decisions = await Promise.all(
        Array.from({ length: 10 }, () => take(ledger, { limits: { tenantMax: 50, tierMax: 50 } })),
      );

      expect(decisions.filter((d) => d.taken)).toHaveLength(3);
      expect(decisions.filter((d) => !d.taken && d.reason === 'no_demand')).toHaveLength(7);
      expect(await ledger.listRunners({ states: ['launching'] })).toHaveLength(3);
    });
  });
}
