import { describe, expect, it } from 'vitest';

import { startWorkerPool } from '../../src/core/worker-pool.js';
import { createWorkHandler } from '../../src/core/work-handler.js';
import type { CoreHarness } from '../support/core-harness.js';
import { coreHarness, noMetrics } from '../support/core-harness.js';
import { installationPayload, workflowJobPayload } from '../support/webhook-payloads.js';

const SMALL = ['self-hosted', 'linux', 'x64', 'small'];

/**
 * Plays GitHub's part: each running machine without a job takes the lowest queued job of its
 * tenant that no runner took yet, runs it, and reports in_progress then completed, as GitHub
 * would. The ledger hears of the assignment only when a worker handles the event.
 */
async function assignJobs(
  h: CoreHarness,
  installationId: number,
  busy: Set<string>,
  assigned: Set<number>,
) {
  for (const machine of h.compute.running.values()) {
    if (busy.has(machine.runnerName)) continue;
    if (machine.tags['ghr:tenant_id'] !== String(installationId)) continue;
    const queued = await h.ledger.listJobs({ installationId, status: 'queued' });
    const job = queued.find((candidate) => !assigned.has(candidate.id));
    if (job === undefined) return;

    busy.add(machine.runnerName);
    assigned.add(job.id);
    const event = { installationId, jobId: job.id, labels: SMALL, runnerName: machine.runnerName };
    await h.deliver('workflow_job', workflowJobPayload({ action: 'in_progress', ...event }));
    setTimeout(() => {
      void h.deliver('workflow_job', workflowJobPayload({ action: 'completed', ...event }));
    }, 5);
  }
}

describe.each(['memory', 'sqlite'] as const)(
  'the tenant limit under concurrency on %s (F10)',
  (storage) => {
    it('50 queued jobs with max_runners = 2 never see a third runner, and all complete', async () => {
      const h = coreHarness({ realTime: true, storage });
      await h.deliver(
        'installation',
        installationPayload({ action: 'created', installationId: 7, login: 'busy-co' }),
      );
      await h.deliver(
        'installation',
        installationPayload({ action: 'created', installationId: 8, login: 'calm-co' }),
      );
      await h.tenants.update(8, { maxRunners: 1, updatedAt: new Date().toISOString() });

      const pool = startWorkerPool({
        queue: h.queue,
        handle: createWorkHandler(h.deps),
        logger: h.deps.logger,
        metrics: noMetrics,
        concurrency: 4,
        idlePollMs: 2,
      });
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          h.deliver(
            'workflow_job',
            workflowJobPayload({
              action: 'queued',
              installationId: 7,
              jobId: i + 1,
              labels: SMALL,
            }),
          ),
        ),
      );
      await h.deliver(
        'workflow_job',
        workflowJobPayload({ action: 'queued', installationId: 8, jobId: 999, labels: SMALL }),
      );

      const busy = new Set<string>();
      const assigned = new Set<number>();
      const deadline = Date.now() + 20_000;
      let calmServedWhileBusyAtLimit = false;
      for (;;) {
        await assignJobs(h, 7, busy, assigned);
        if (!calmServedWhileBusyAtLimit && h.compute.countFor(8) === 1) {
          calmServedWhileBusyAtLimit =
            (await h.ledger.listJobs({ installationId: 7, status: 'completed' })).length < 45;
        }
        const done = await h.ledger.listJobs({ installationId: 7, status: 'completed' });
        if (done.length === 50 || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      await pool.whenIdle();
      await pool.stop();

      expect((await h.ledger.listJobs({ installationId: 7, status: 'completed' })).length).toBe(50);
      expect(h.compute.peak.get(7)).toBe(2);
      expect(h.compute.launches.filter((l) => l.installationId === 7)).toHaveLength(50);
      expect(calmServedWhileBusyAtLimit).toBe(true);
      expect(await h.queue.stats()).toMatchObject({ dead: 0 });
    });
  },
);
