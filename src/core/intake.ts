import type { IntakeOutcome, WebhookIntake } from './delivery.js';
import type { CoreDeps } from './deps.js';
import type { JobStatus } from './job.js';
import type { Logger } from './ports/telemetry.js';
import type { TenantPatch } from './ports/tenant-store.js';
import { isoTime } from './ports/clock.js';
import { routeJob } from './routing.js';
import { isOwnRunnerName } from './runner-name.js';
import { queuedTiers } from './demand.js';
import { recordDecision } from './record-decision.js';
import type { Tenant } from './tenant.js';
import { newTenant } from './tenant.js';
import type { ForeignJobEvent, InstallationEvent, WorkflowJobEvent } from './webhook-event.js';
import { parseWebhookEvent } from './webhook-event.js';

type IntakeDeps = Pick<
  CoreDeps,
  | 'catalog'
  | 'settings'
  | 'tenants'
  | 'ledger'
  | 'deliveries'
  | 'decisions'
  | 'queue'
  | 'clock'
  | 'logger'
>;

/**
 * Turns verified webhook deliveries into ledger updates and queued work. It never calls GitHub
 * or the compute provider, so the answer comes well within GitHub's 10 seconds; the workers
 * do the slow part.
 */
export function createWebhookIntake(deps: IntakeDeps): WebhookIntake {
  return {
    receive: async function receiveDelivery(delivery) {
      const event = parseWebhookEvent(delivery.event, delivery.payload, (labels, runner) =>
        isOurs(deps, labels, runner),
      );
      const log = deps.logger.child({ delivery_id: delivery.deliveryId, event: delivery.event });

      if (event.kind === 'other') return { status: 'ignored', reason: 'event_not_handled' };
      if (event.kind === 'foreign_job') {
        log.debug('workflow job is not for a tier', { reason: 'no_matching_tier' });
        await noteUnmatchedJob(deps, event);
        return { status: 'ignored', reason: 'no_matching_tier' };
      }

      if (await deps.deliveries.has(delivery.deliveryId)) {
        return { status: 'duplicate', reason: 'delivery_already_handled' };
      }

      const outcome =
        event.kind === 'installation'
          ? await handleInstallation(deps, event, log)
          : await handleWorkflowJob(deps, event, log);

      await deps.deliveries.record(delivery.deliveryId, delivery.event, isoTime(deps.clock));
      return outcome;
    },
  };
}

/**
 * Records a queued job that asks for a self-hosted runner but matches no tier: most likely a
 * label typo, and the first thing an operator asks about. Jobs for GitHub-hosted runners are
 * left alone, so they still cost no write.
 */
async function noteUnmatchedJob(deps: IntakeDeps, event: ForeignJobEvent): Promise<void> {
  const selfHosted = event.labels.some((label) => label.trim().toLowerCase() === 'self-hosted');
  if (event.action !== 'queued' || !selfHosted || event.installationId === undefined) return;

  await recordDecision(deps, {
    installationId: event.installationId,
    tier: undefined,
    reason: 'no_matching_tier',
    launched: 0,
    jobId: undefined,
    detail: `labels ${event.labels.join(', ')}`,
    at: isoTime(deps.clock),
  });
}

function isOurs(
  deps: IntakeDeps,
  labels: readonly string[],
  runnerName: string | undefined,
): boolean {
  if (routeJob(deps.catalog, labels) !== undefined) return true;
  // GitHub may hand a job whose labels are a subset of a tier's to one of our idle runners;
  // its in_progress/completed events must still reach that runner's record.
  return isOwnRunnerName(deps.settings.runnerNamePrefix, runnerName);
}

async function handleInstallation(
  deps: IntakeDeps,
  event: InstallationEvent,
  log: Logger,
): Promise<IntakeOutcome> {
  const at = isoTime(deps.clock);
  const fields = { installation_id: event.installationId, tenant_id: event.installationId };
  const known = await deps.tenants.createIfAbsent(
    newTenant(
      {
        installationId: event.installationId,
        accountLogin: event.accountLogin,
        accountType: event.accountType,
      },
      deps.catalog,
      at,
    ),
  );

  const patch = installationPatch(event, known, at);
  const tenant = patch
    ? ((await deps.tenants.update(event.installationId, patch)) ?? known)
    : known;
  log.info('tenant updated from installation event', {
    ...fields,
    action: event.action,
    status: tenant.status,
    tier: tenant.tier,
  });

  if (event.event === 'installation' && event.action === 'deleted') {
    await deps.queue.enqueue({ kind: 'tenant_removed', installationId: event.installationId });
    return { status: 'accepted', reason: 'tenant_deleted' };
  }
  if (event.event === 'installation' && event.action === 'unsuspend') {
    await requestReconciles(deps, tenant.installationId);
  }
  return { status: 'accepted', reason: `tenant_${tenant.status}` };
}

function installationPatch(
  event: InstallationEvent,
  known: Tenant,
  at: string,
): TenantPatch | undefined {
  if (event.event !== 'installation') return { accountLogin: event.accountLogin, updatedAt: at };

  switch (event.action) {
    case 'created':
      // A new installation id is never reused, so a stored record is this same install.
      return known.status === 'deleted' ? undefined : { status: 'active', updatedAt: at };
    case 'deleted':
      return { status: 'deleted', updatedAt: at };
    case 'suspend':
      return known.status === 'deleted' ? undefined : { status: 'suspended', updatedAt: at };
    case 'unsuspend':
      return known.status === 'deleted' ? undefined : { status: 'active', updatedAt: at };
    default:
      return { accountLogin: event.accountLogin, updatedAt: at };
  }
}

async function handleWorkflowJob(
  deps: IntakeDeps,
  event: WorkflowJobEvent,
  parentLog: Logger,
): Promise<IntakeOutcome> {
  const log = parentLog.child({
    installation_id: event.installationId,
    tenant_id: event.installationId,
    job_id: event.jobId,
  });
  const tenant = await deps.tenants.get(event.installationId);
  const tier = routeJob(deps.catalog, event.labels);
  if (tenant?.status === 'deleted') {
    log.info('event for a deleted tenant acknowledged', { reason: 'tenant_deleted' });
    if (event.action === 'queued') {
      await recordJobDecision(deps, event, tier?.name, 'tenant_deleted');
    }
    return { status: 'ignored', reason: 'tenant_deleted' };
  }

  if (tier !== undefined) {
    const { job, changed } = await deps.ledger.observeJob({
      id: event.jobId,
      installationId: event.installationId,
      tier: tier.name,
      repository: event.repository,
      runId: event.runId,
      labels: event.labels,
      status: event.action,
      runnerName: event.runnerName,
      conclusion: event.conclusion,
      at: isoTime(deps.clock),
    });
    if (!changed) return { status: 'accepted', reason: 'job_unchanged' };
    if (job.status === 'queued') {
      return queueDemand(deps, event, tenant, job.tier, log);
    }
  }

  return trackOwnRunner(deps, event.action, event, log);
}

async function queueDemand(
  deps: IntakeDeps,
  event: WorkflowJobEvent,
  tenant: Tenant | undefined,
  tier: string,
  log: Logger,
): Promise<IntakeOutcome> {
  if (tenant?.status === 'suspended') {
    log.info('job recorded; tenant is suspended', { tier, reason: 'tenant_suspended' });
    await recordJobDecision(deps, event, tier, 'tenant_suspended');
    return { status: 'accepted', reason: 'tenant_suspended' };
  }

  // An unknown tenant (installed before this deployment) is provisioned by the reconcile,
  // since that needs a GitHub call.
  await deps.queue.enqueue({ kind: 'reconcile', installationId: event.installationId, tier });
  return { status: 'accepted', reason: 'queued_for_reconcile' };
}

async function recordJobDecision(
  deps: IntakeDeps,
  event: WorkflowJobEvent,
  tier: string | undefined,
  reason: 'tenant_suspended' | 'tenant_deleted',
): Promise<void> {
  await recordDecision(deps, {
    installationId: event.installationId,
    tier,
    reason,
    launched: 0,
    jobId: event.jobId,
    detail: undefined,
    at: isoTime(deps.clock),
  });
}

async function trackOwnRunner(
  deps: IntakeDeps,
  status: JobStatus,
  event: WorkflowJobEvent,
  log: Logger,
): Promise<IntakeOutcome> {
  const name = event.runnerName;
  if (!isOwnRunnerName(deps.settings.runnerNamePrefix, name)) {
    return { status: 'accepted', reason: `job_${status}` };
  }
  const runner = await deps.ledger.getRunner(name);
  if (runner === undefined) return { status: 'accepted', reason: 'runner_unknown' };
  // A runner belongs to the installation that launched it. Any installation can name a runner
  // of its own after one of ours, so an event of another installation says nothing about it.
  if (runner.installationId !== event.installationId) {
    log.warn('event names a runner of another tenant; ignored', {
      runner_name: name,
      runner_tenant_id: runner.installationId,
      reason: 'runner_of_other_tenant',
    });
    return { status: 'accepted', reason: 'runner_of_other_tenant' };
  }

  const runnerLog = log.child({ runner_name: name });
  if (status === 'in_progress') {
    await deps.ledger.updateRunner(name, {
      state: 'busy',
      jobId: event.jobId,
      at: isoTime(deps.clock),
    });
    runnerLog.info('runner took a job', { tier: runner.tier });
    // The runner may have taken a job other than the one it was launched for.
    await deps.queue.enqueue({
      kind: 'reconcile',
      installationId: runner.installationId,
      tier: runner.tier,
    });
    return { status: 'accepted', reason: 'runner_busy' };
  }
  if (status === 'completed') {
    await deps.queue.enqueue({
      kind: 'runner_finished',
      runnerName: name,
      tier: runner.tier,
      reason: 'completed',
    });
    return { status: 'accepted', reason: 'runner_finished' };
  }
  return { status: 'accepted', reason: `job_${status}` };
}

/** Asks for a reconcile of every tier in which the tenant has queued jobs. */
export async function requestReconciles(
  deps: Pick<CoreDeps, 'ledger' | 'queue'>,
  installationId: number,
  delayMs = 0,
): Promise<void> {
  for (const tier of await queuedTiers(deps.ledger, installationId)) {
    await deps.queue.enqueue({ kind: 'reconcile', installationId, tier }, { delayMs });
  }
}
