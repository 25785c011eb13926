import { describe, expect, it } from 'vitest';

import type { Ledger } from '../../src/core/ports/ledger.js';
import type { RunnerPatch } from '../../src/core/runner.js';
import { aJob, aSlotRequest, expectRefused, minutesIn } from './fixtures.js';

/** Makes an empty ledger for one test. */
export type LedgerFactory = () => Ledger;

/** What every `Ledger` must do with jobs and runners (slots have their own suite). */
export function ledgerContract(createLedger: LedgerFactory): void {
  describe('jobs', () => {
    it('records a new job with its times and reports a change', async () => {
      const ledger = createLedger();

      const { job, changed } = await ledger.observeJob(aJob());

      expect(changed).toBe(true);
      expect(job).toMatchObject({ id: 5001, status: 'queued', createdAt: minutesIn(1) });
      expect(await ledger.getJob(5001)).toEqual(job);
    });

    it('reports no change for a repeated observation', async () => {
      const ledger = createLedger();
      const first = await ledger.observeJob(aJob());

      const again = await ledger.observeJob(aJob({ at: minutesIn(3) }));

      expect(again).toEqual({ job: first.job, changed: false });
      expect(await ledger.getJob(5001)).toEqual(first.job);
    });

    it('moves forward through in_progress to completed', async () => {
      const ledger = createLedger();
      await ledger.observeJob(aJob());

      const started = await ledger.observeJob(
        aJob({ status: 'in_progress', runnerName: 'ghr-1', at: minutesIn(2) }),
      );
      const done = await ledger.observeJob(
        aJob({ status: 'completed', conclusion: 'success', at: minutesIn(4) }),
      );

      expect(started.changed).toBe(true);
      expect(done.changed).toBe(true);
      expect(await ledger.getJob(5001)).toMatchObject({
        status: 'completed',
        runnerName: 'ghr-1',
        conclusion: 'success',
        createdAt: minutesIn(1),
        startedAt: minutesIn(2),
        completedAt: minutesIn(4),
      });
    });

    it('keeps a job completed when its queued event arrives late (F3)', async () => {
      const ledger = createLedger();
      await ledger.observeJob(aJob({ status: 'completed', conclusion: 'success' }));

      const late = await ledger.observeJob(aJob({ status: 'queued', at: minutesIn(2) }));

      expect(late.changed).toBe(false);
      expect(late.job.status).toBe('completed');
      expect(await ledger.getJob(5001)).toMatchObject({ status: 'completed' });
      expect(await ledger.takeSlot(aSlotRequest())).toEqual({ taken: false, reason: 'no_demand' });
    });

    it('ignores an in_progress that arrives after completed', async () => {
      const ledger = createLedger();
      await ledger.observeJob(aJob({ status: 'completed' }));

      const stale = await ledger.observeJob(aJob({ status: 'in_progress', at: minutesIn(3) }));

      expect(stale.changed).toBe(false);
      expect((await ledger.getJob(5001))?.status).toBe('completed');
    });

    it('returns undefined for an unknown job', async () => {
      const ledger = createLedger();

      expect(await ledger.getJob(404)).toBeUndefined();
    });

    it('lists jobs by tenant, tier, status and repository', async () => {
      const ledger = createLedger();
      await ledger.observeJob(aJob({ id: 3 }));
      await ledger.observeJob(aJob({ id: 1, tier: 'large' }));
      await ledger.observeJob(aJob({ id: 2, status: 'in_progress' }));
      await ledger.observeJob(aJob({ id: 4, installationId: 202 }));
      await ledger.observeJob(aJob({ id: 5, repository: 'octo-org/api' }));

      const ids = async (filter: Parameters<Ledger['listJobs']>[0]): Promise<number[]> =>
        (await ledger.listJobs(filter)).map((job) => job.id);

      expect(await ids(undefined)).toEqual([1, 2, 3, 4, 5]);
      expect(await ids({ installationId: 101, tier: 'small', status: 'queued' })).toEqual([3, 5]);
      expect(await ids({ repository: 'octo-org/api' })).toEqual([5]);
      expect(await ids({ installationId: 202 })).toEqual([4]);
    });

    it.each([
      ['an unknown status', { status: 'done' as never }, 'status', '"done"'],
      ['a negative id', { id: -5 }, 'id', '-5'],
      ['a repository without owner', { repository: 'app' }, 'repository', '"app"'],
      ['labels that are not strings', { labels: [1] as never }, 'labels', '[1]'],
    ])('refuses an observation with %s and stores nothing', async (_case, bad, field, shown) => {
      const ledger = createLedger();
      await ledger.observeJob(aJob({ id: 1 }));

      await expectRefused(
        ledger.observeJob(aJob({ id: 2, ...bad })),
        'invalid_input',
        field,
        shown,
      );

      expect((await ledger.listJobs()).map((job) => job.id)).toEqual([1]);
    });
  });

  describe('runners', () => {
    const demandFor = async (ledger: Ledger, count: number): Promise<void> => {
      for (let id = 1; id <= count; id += 1) await ledger.observeJob(aJob({ id }));
    };

    it('records the runner a taken slot makes as launching', async () => {
      const ledger = createLedger();
      await demandFor(ledger, 1);

      const decision = await ledger.takeSlot(aSlotRequest({ repository: 'octo-org/app' }));

      const expected = {
        name: 'ghr-101-small-0001',
        installationId: 101,
        tier: 'small',
        tenantTier: 'small',
        repository: 'octo-org/app',
        state: 'launching',
        launchedAt: minutesIn(2),
      };
      expect(decision).toMatchObject({ taken: true, runner: expected });
      expect(await ledger.getRunner('ghr-101-small-0001')).toMatchObject(expected);
    });

    it('moves a runner forward from launching to done, stamping each step', async () => {
      const ledger = createLedger();
      await demandFor(ledger, 1);
      await ledger.takeSlot(aSlotRequest({ runnerName: 'r1' }));

      await ledger.updateRunner('r1', { computeId: 'pid-42', machine: 'local', at: minutesIn(3) });
      await ledger.updateRunner('r1', { state: 'idle', githubRunnerId: 77, at: minutesIn(4) });
      await ledger.updateRunner('r1', { state: 'busy', jobId: 1, at: minutesIn(5) });
      const done = await ledger.updateRunner('r1', {
        state: 'done',
        doneReason: 'completed',
        at: minutesIn(6),
      });

      const expected = {
        state: 'done',
        computeId: 'pid-42',
        machine: 'local',
        githubRunnerId: 77,
        jobId: 1,
        launchedAt: minutesIn(2),
        registeredAt: minutesIn(4),
        startedAt: minutesIn(5),
        doneAt: minutesIn(6),
        doneReason: 'completed',
      };
      expect(done).toMatchObject(expected);
      expect(await ledger.getRunner('r1')).toMatchObject(expected);
    });

    it('ignores a state that would move a runner backwards', async () => {
      const ledger = createLedger();
      await demandFor(ledger, 1);
      await ledger.takeSlot(aSlotRequest({ runnerName: 'r1' }));
      await ledger.updateRunner('r1', { state: 'busy', at: minutesIn(3) });

      const answer = await ledger.updateRunner('r1', { state: 'idle', at: minutesIn(4) });

      expect(answer?.state).toBe('busy');
      expect((await ledger.getRunner('r1'))?.state).toBe('busy');
    });

    it('never changes a done runner again', async () => {
      const ledger = createLedger();
      await demandFor(ledger, 1);
      await ledger.takeSlot(aSlotRequest({ runnerName: 'r1' }));
      const done = await ledger.updateRunner('r1', {
        state: 'done',
        doneReason: 'launch_failed',
        at: minutesIn(3),
      });

      const later = await ledger.updateRunner('r1', {
        state: 'busy',
        computeId: 'i-late',
        doneReason: 'completed',
        at: minutesIn(9),
      });

      expect(later).toEqual(done);
      expect(await ledger.getRunner('r1')).toEqual(done);
    });

    it('returns undefined when updating an unknown runner, and creates none', async () => {
      const ledger = createLedger();

      expect(await ledger.updateRunner('ghost', { state: 'idle', at: minutesIn(1) })).toBe(
        undefined,
      );
      expect(await ledger.getRunner('ghost')).toBeUndefined();
      expect(await ledger.listRunners()).toEqual([]);
    });

    it.each<[string, Partial<RunnerPatch>, string, string]>([
      ['an unknown state', { state: 'exploded' as never }, 'state', '"exploded"'],
      ['a negative runner id', { githubRunnerId: -1 }, 'githubRunnerId', '-1'],
      ['a time that is not ISO', { at: 'soon' }, 'at', '"soon"'],
    ])('refuses a patch with %s and leaves the runner as it was', async (_c, bad, field, shown) => {
      const ledger = createLedger();
      await demandFor(ledger, 1);
      await ledger.takeSlot(aSlotRequest({ runnerName: 'r1' }));
      const before = await ledger.getRunner('r1');

      await expectRefused(
        ledger.updateRunner('r1', { computeId: 'pid-1', at: minutesIn(3), ...bad }),
        'invalid_input',
        field,
        shown,
      );

      expect(await ledger.getRunner('r1')).toEqual(before);
    });

    it('refuses a second runner with a name already used', async () => {
      const ledger = createLedger();
      await demandFor(ledger, 2);
      await ledger.takeSlot(aSlotRequest({ runnerName: 'r1' }));

      await expectRefused(ledger.takeSlot(aSlotRequest({ runnerName: 'r1' })), 'conflict', 'r1');

      expect(await ledger.listRunners()).toHaveLength(1);
    });

    it('lists runners by tenant, tier and state, in launch order', async () => {
      const ledger = createLedger();
      for (let id = 1; id <= 3; id += 1) {
        await ledger.observeJob(aJob({ id }));
        await ledger.observeJob(aJob({ id: 10 + id, tier: 'large' }));
      }
      await ledger.takeSlot(aSlotRequest({ runnerName: 'b', at: minutesIn(3) }));
      await ledger.takeSlot(aSlotRequest({ runnerName: 'a', at: minutesIn(4) }));
      await ledger.takeSlot(aSlotRequest({ runnerName: 'c', tier: 'large', at: minutesIn(5) }));
      await ledger.updateRunner('a', { state: 'done', at: minutesIn(6) });

      const names = async (filter: Parameters<Ledger['listRunners']>[0]): Promise<string[]> =>
        (await ledger.listRunners(filter)).map((runner) => runner.name);

      expect(await names(undefined)).toEqual(['b', 'a', 'c']);
      expect(await names({ tier: 'small' })).toEqual(['b', 'a']);
      expect(await names({ states: ['launching', 'idle', 'busy'] })).toEqual(['b', 'c']);
      expect(await names({ installationId: 101, tier: 'large', states: ['done'] })).toEqual([]);
      expect(await names({ states: [] })).toEqual([]);
      expect(await names({ installationId: 202 })).toEqual([]);
    });
  });
}
