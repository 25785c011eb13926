import { describe, expect, it } from 'vitest';

import type { JobObservation } from '../../src/core/job.js';
import type { SlotRequest } from '../../src/core/ports/ledger.js';
import { aJob, aSlotRequest, expectRefused, minutesIn } from './fixtures.js';
import type { LedgerFactory } from './ledger.contract.js';

/** What every `Ledger` must do when an observation carries a slot to try with it. */
export function ledgerObserveSlotContract(createLedger: LedgerFactory): void {
  let nextId = 1;
  const job = (overrides: Partial<JobObservation> = {}): JobObservation =>
    aJob({ id: 70_000 + nextId++, ...overrides });
  const slot = (overrides: Partial<SlotRequest> = {}): SlotRequest =>
    aSlotRequest({ runnerName: `ghr-101-small-obs${nextId++}`, ...overrides });

  describe('observing a job with a slot', () => {
    it('records a new queued job and takes the slot its runner needs, counting the job', async () => {
      const ledger = createLedger();
      const seen = job();
      const request = slot();

      const observed = await ledger.observeJob(seen, { slot: request });

      expect(observed.changed).toBe(true);
      expect(observed.job).toMatchObject({ id: seen.id, status: 'queued' });
      expect(observed.slot).toMatchObject({
        taken: true,
        runner: { name: request.runnerName, state: 'launching', installationId: 101 },
      });
      expect(await ledger.getJob(seen.id)).toMatchObject({ status: 'queued' });
      expect((await ledger.listRunners()).map((r) => r.name)).toEqual([request.runnerName]);
    });

    it('records the job and says why when a limit refuses the slot', async () => {
      const ledger = createLedger();
      const limits = { tenantMax: 1, tierMax: 5 };
      await ledger.observeJob(job(), { slot: slot({ limits }) });
      const second = job();

      const observed = await ledger.observeJob(second, { slot: slot({ limits }) });

      expect(observed.slot).toEqual({ taken: false, reason: 'at_tenant_limit' });
      expect(await ledger.getJob(second.id)).toMatchObject({ status: 'queued' });
      expect(await ledger.listRunners()).toHaveLength(1);
    });

    it('refuses with no_demand when a launching runner already covers the new job', async () => {
      const ledger = createLedger();
      const first = job();
      await ledger.observeJob(first, { slot: slot() });
      await ledger.observeJob({ ...first, status: 'completed', at: minutesIn(3) });

      const observed = await ledger.observeJob(job(), { slot: slot() });

      expect(observed.slot).toEqual({ taken: false, reason: 'no_demand' });
      expect(await ledger.listRunners()).toHaveLength(1);
    });

    it('tries no slot for a repeat, a job already further on, or one that is not queued', async () => {
      const ledger = createLedger();
      const queued = job();
      await ledger.observeJob(queued, { slot: slot() });
      const started = job({ status: 'in_progress' });
      const waiting = job({ status: 'waiting' });

      const repeat = await ledger.observeJob({ ...queued, at: minutesIn(4) }, { slot: slot() });
      const running = await ledger.observeJob(started, { slot: slot() });
      const held = await ledger.observeJob(waiting, { slot: slot() });

      expect(repeat).toMatchObject({ changed: false });
      expect(repeat.slot).toBeUndefined();
      expect(running.slot).toBeUndefined();
      expect(held.slot).toBeUndefined();
      expect(await ledger.listRunners()).toHaveLength(1);
    });

    it('takes the slot when a waiting job is queued', async () => {
      const ledger = createLedger();
      const waiting = job({ status: 'waiting' });
      await ledger.observeJob(waiting);

      const observed = await ledger.observeJob(
        { ...waiting, status: 'queued', at: minutesIn(2) },
        { slot: slot() },
      );

      expect(observed).toMatchObject({ changed: true, slot: { taken: true } });
    });

    it('counts only the repository of a repository-level slot', async () => {
      const ledger = createLedger();
      const repository = 'octo-user/a';
      await ledger.observeJob(job({ repository }), { slot: slot({ repository }) });
      // A runner in a, launching, covers nothing in b.
      const other = await ledger.observeJob(job({ repository: 'octo-user/b' }), {
        slot: slot({ repository: 'octo-user/b' }),
      });

      expect(other.slot).toMatchObject({ taken: true, runner: { repository: 'octo-user/b' } });
    });

    it('writes nothing when the runner name is taken', async () => {
      const ledger = createLedger();
      const request = slot();
      await ledger.observeJob(job(), { slot: request });
      const late = job();

      await expectRefused(
        ledger.observeJob(late, { slot: { ...request, at: minutesIn(5) } }),
        'conflict',
        request.runnerName,
      );
      expect(await ledger.getJob(late.id)).toBeUndefined();
      expect(await ledger.listRunners()).toHaveLength(1);
    });

    it('grants exactly tenantMax slots to 20 new jobs observed at once, and records them all', async () => {
      const ledger = createLedger();
      const jobs = Array.from({ length: 20 }, () => job());

      const observed = await Promise.all(
        jobs.map((seen) =>
          ledger.observeJob(seen, { slot: slot({ limits: { tenantMax: 2, tierMax: 10 } }) }),
        ),
      );

      expect(observed.filter((o) => o.slot?.taken)).toHaveLength(2);
      expect(
        observed.filter((o) => o.slot?.taken === false && o.slot.reason === 'at_tenant_limit'),
      ).toHaveLength(18);
      expect(await ledger.listJobs({ installationId: 101, status: 'queued' })).toHaveLength(20);
      expect(await ledger.listRunners({ installationId: 101 })).toHaveLength(2);
    });
  });
}
