import type { CoreDeps } from './deps.js';
import type { JobObservation } from './job.js';
import { isoTime } from './ports/clock.js';
import type { Observed } from './ports/ledger.js';
import type { Logger } from './ports/telemetry.js';
import type { JobEventItem } from './ports/work-queue.js';
import {
  changedTenant,
  dependsOnTenant,
  launchAll,
  noteDecision,
  reconcileTier,
  recordTierDecision,
  slotRequest,
} from './reconcile.js';
import { finishRunner } from './runner-lifecycle.js';
import { routeJob } from './routing.js';
import { isOwnRunnerName } from './runner-name.js';
import type { Tenant } from './tenant.js';
import type { Tier } from './tier.js';
import { findTier } from './tier.js';

/** What a job event came to, for the worker's log line. */
export type JobEventOutcome =
  | 'launched'
  | 'reconciled'
  | 'job_unchanged'
  | 'no_demand'
  | 'at_tenant_limit'
  | 'at_tier_limit'
  | 'tenant_suspended'
  | 'tenant_deleted'
  | 'runner_busy'
  | 'runner_finished'
  | 'runner_unknown'
  | 'runner_of_other_tenant'
  | 'recorded';

/**
 * Folds one `workflow_job` event into the ledger and acts on it. A job that becomes queued
 * takes the slot for its runner in the same ledger step and the runner is launched at once:
 * one ledger write, then GitHub's JIT registration and the machine. Anything that step cannot
 * settle (an unknown tenant, a tenant record that changed, a repeat of a queued event that may
 * be a retry after a failed launch) goes to the level-triggered reconcile of the tier.
 */
export async function handleJobEvent(deps: CoreDeps, item: JobEventItem): Promise<JobEventOutcome> {
  const log = deps.logger.child({
    delivery_id: item.deliveryId,
    tenant_id: item.installationId,
    installation_id: item.installationId,
    job_id: item.jobId,
  });
  const tier = tierOf(deps, item);
  const tenant = await readTenant(deps, item, tier);
  if (tenant?.status === 'deleted') {
    log.info('event for a deleted tenant acknowledged', { reason: 'tenant_deleted' });
    if (item.status === 'queued') {
      await recordTierDecision(
        deps,
        item.installationId,
        item.tier,
        'tenant_deleted',
        0,
        item.jobId,
      );
    }
    return 'tenant_deleted';
  }
  if (tier === undefined) {
    if (item.tier !== undefined) await noteUnknownTier(deps, item, log);
    return trackOwnRunner(deps, item, log);
  }

  const observed = await deps.ledger.observeJob(observation(item, tier), {
    ...(item.status === 'queued' && tenant?.status === 'active'
      ? { slot: slotRequest(deps, tenant, tier, scopeOf(tenant, item)) }
      : {}),
  });
  if (observed.job.status !== 'queued') return trackOwnRunner(deps, item, log);
  if (!observed.changed) {
    if (item.status !== 'queued') return 'job_unchanged';
    // A queued event seen before: a redelivery, or the retry of a launch that failed. The
    // reconcile serves whatever demand is left, and finds none when the first one succeeded.
    await reconcileTier(deps, item.installationId, tier.name);
    return 'reconciled';
  }
  return serveQueuedJob(deps, item, tenant, tier, observed, log);
}

async function serveQueuedJob(
  deps: CoreDeps,
  item: JobEventItem,
  tenant: Tenant | undefined,
  tier: Tier,
  observed: Observed,
  log: Logger,
): Promise<JobEventOutcome> {
  const slot = observed.slot;
  if (
    tenant === undefined ||
    slot === undefined ||
    (!slot.taken && slot.reason === 'tenant_changed')
  ) {
    // An unknown tenant (installed before this deployment) is provisioned by the reconcile; a
    // suspended or changed one is read again there, since the copy here may be seconds old.
    const result = await reconcileTier(deps, item.installationId, tier.name);
    return result.reason === 'tenant_suspended' ? 'tenant_suspended' : 'reconciled';
  }

  const tierLog = log.child({ tier: tier.name });
  if (slot.taken) {
    await launchAll(deps, tenant, tier, [slot.runner], tierLog);
    return 'launched';
  }
  // A limit taken from a copy: a raised one is only seen on a fresh read.
  if (dependsOnTenant(slot.reason) && (await changedTenant(deps, tenant, tier.name))) {
    await reconcileTier(deps, item.installationId, tier.name);
    return 'reconciled';
  }
  await noteDecision(
    deps,
    tier,
    item.installationId,
    // No job id: the tier's refusals fold into one line, however many jobs wait.
    { launched: 0, reason: slot.reason },
    tierLog,
  );
  return slot.reason;
}

/**
 * The tier the event was routed to, or, when that is gone from the configuration (a restart
 * renamed it while the event waited), the one its labels route to now.
 */
function tierOf(deps: CoreDeps, item: JobEventItem): Tier | undefined {
  if (item.tier === undefined) return undefined;
  return findTier(deps.catalog, item.tier) ?? routeJob(deps.catalog, item.labels);
}

/** A User account's runners register per repository; an organisation's serve all of it. */
function scopeOf(tenant: Tenant, item: JobEventItem): string | undefined {
  return tenant.accountType === 'User' ? item.repository : undefined;
}

/**
 * The tenant, or the error that kept it from being read, after the job is in the ledger: a
 * tenant item broken by hand must not lose the job, which the sweep asks for again once the
 * item is mended.
 */
async function readTenant(
  deps: CoreDeps,
  item: JobEventItem,
  tier: Tier | undefined,
): Promise<Tenant | undefined> {
  try {
    return await deps.tenants.get(item.installationId);
  } catch (error) {
    if (tier !== undefined) await deps.ledger.observeJob(observation(item, tier));
    throw error;
  }
}

async function noteUnknownTier(deps: CoreDeps, item: JobEventItem, log: Logger): Promise<void> {
  log.warn('job event for a tier no longer configured', {
    tier: item.tier,
    reason: 'unknown_tier',
  });
  if (item.status !== 'queued') return;
  await recordTierDecision(deps, item.installationId, item.tier, 'unknown_tier', 0, item.jobId);
}

function observation(item: JobEventItem, tier: Tier): JobObservation {
  return {
    id: item.jobId,
    installationId: item.installationId,
    tier: tier.name,
    repository: item.repository,
    runId: item.runId,
    labels: item.labels,
    status: item.status,
    runnerName: item.runnerName,
    conclusion: item.conclusion,
    at: item.at,
  };
}

/** Moves the record of the runner the event names, when the runner is ours. */
async function trackOwnRunner(
  deps: CoreDeps,
  item: JobEventItem,
  log: Logger,
): Promise<JobEventOutcome> {
  const name = item.runnerName;
  if (!isOwnRunnerName(deps.settings.runnerNamePrefix, name)) return 'recorded';
  const runner = await deps.ledger.getRunner(name);
  if (runner === undefined) return 'runner_unknown';
  // A runner belongs to the installation that launched it. Any installation can name a runner
  // of its own after one of ours, so an event of another installation says nothing about it.
  if (runner.installationId !== item.installationId) {
    log.warn('event names a runner of another tenant; ignored', {
      runner_name: name,
      runner_tenant_id: runner.installationId,
      reason: 'runner_of_other_tenant',
    });
    return 'runner_of_other_tenant';
  }

  const runnerLog = log.child({ runner_name: name });
  if (item.status === 'in_progress') {
    await deps.ledger.updateRunner(name, {
      state: 'busy',
      jobId: item.jobId,
      // The launch records no registration id; the event that says the runner is busy has it.
      ...(item.runnerId === undefined ? {} : { githubRunnerId: item.runnerId }),
      at: isoTime(deps.clock),
    });
    runnerLog.info('runner took a job', { tier: runner.tier });
    // The runner may have taken a job other than the one it was launched for, which then
    // needs a runner of its own.
    await reconcileTier(deps, runner.installationId, runner.tier);
    return 'runner_busy';
  }
  if (item.status === 'completed') {
    await finishRunner(deps, name, 'completed');
    return 'runner_finished';
  }
  return 'recorded';
}
