import type { IntakeOutcome, WebhookIntake } from './delivery.js';
import type { CoreDeps } from './deps.js';
import type { Logger } from './ports/telemetry.js';
import type { TenantPatch } from './ports/tenant-store.js';
import type { JobEventItem } from './ports/work-queue.js';
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
 * Turns verified webhook deliveries into tenant updates and queued work. It never calls
 * GitHub or the compute provider, and writes nothing for a job event but its work item, so the
 * answer comes well within GitHub's 10 seconds; the workers do the rest.
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

      // A job event needs no delivery record: the ledger only moves forward, so a redelivery
      // changes nothing, and queues coalesce a repeat that no worker has taken yet.
      if (event.kind === 'workflow_job') return passJobEvent(deps, delivery.deliveryId, event);

      if (await deps.deliveries.has(delivery.deliveryId)) {
        return { status: 'duplicate', reason: 'delivery_already_handled' };
      }
      const outcome = await handleInstallation(deps, event, log);
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

/**
 * Passes a job event on to the workers unread: no ledger or tenant read, no write. The worker
 * drops it if the tenant is gone, and folds it into the ledger with the slot its runner needs
 * in one step, so a queued job costs the webhook one queue write.
 */
async function passJobEvent(
  deps: IntakeDeps,
  deliveryId: string,
  event: WorkflowJobEvent,
): Promise<IntakeOutcome> {
  const item: JobEventItem = {
    kind: 'job_event',
    deliveryId,
    installationId: event.installationId,
    ...optionalField('tier', routeJob(deps.catalog, event.labels)?.name),
    jobId: event.jobId,
    runId: event.runId,
    repository: event.repository,
    labels: event.labels,
    status: event.action,
    ...optionalField('runnerName', event.runnerName),
    ...optionalField('runnerId', event.runnerId),
    ...optionalField('conclusion', event.conclusion),
    at: isoTime(deps.clock),
  };
  await deps.queue.enqueue(item);
  return { status: 'accepted', reason: 'job_event_queued' };
}

/** `{ [key]: value }`, or nothing when the value is undefined: a queued item keeps no holes. */
function optionalField<K extends string, V>(
  key: K,
  value: V | undefined,
): { readonly [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { readonly [P in K]?: V };
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
