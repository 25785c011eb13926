import type { CoreDeps } from './deps.js';
import { handleJobEvent } from './job-events.js';
import type { WorkItem } from './ports/work-queue.js';
import { reconcileTier } from './reconcile.js';
import { finishRunner, removeTenantRunners } from './runner-lifecycle.js';

/** Carries out one queued work item. Errors propagate; the worker decides about retries. */
export function createWorkHandler(deps: CoreDeps): (item: WorkItem) => Promise<void> {
  return async function handleWork(item) {
    switch (item.kind) {
      case 'job_event': {
        const outcome = await handleJobEvent(deps, item);
        deps.logger.debug('job event handled', {
          delivery_id: item.deliveryId,
          tenant_id: item.installationId,
          job_id: item.jobId,
          status: item.status,
          outcome,
        });
        return;
      }
      case 'reconcile':
        await reconcileTier(deps, item.installationId, item.tier);
        return;
      case 'runner_finished':
        await finishRunner(deps, item.runnerName, item.reason);
        return;
      case 'tenant_removed':
        await removeTenantRunners(deps, item.installationId);
        return;
    }
  };
}
