import type { CoreDeps } from './deps.js';
import { PlatformError, isRetryable } from './errors.js';
import { launchRunner } from './launch-runner.js';
import { oldestFirst } from './demand.js';
import { isoTime } from './ports/clock.js';
import { recordDecision } from './record-decision.js';
import type { SlotRefusal, SlotRequest } from './ports/ledger.js';
import type { Logger } from './ports/telemetry.js';
import type { Runner } from './runner.js';
import { runnerName } from './runner-name.js';
import { ensureTenant } from './tenant-provisioning.js';
import type { Tenant } from './tenant.js';
import { sameLaunchTerms, slotLimits } from './tenant.js';
import type { Tier } from './tier.js';
import { findTier } from './tier.js';

export type ReconcileReason =
  | SlotRefusal
  | 'launched'
  | 'unknown_tier'
  | 'tenant_suspended'
  | 'tenant_deleted'
  /** Only ever seen inside `reconcileTier`, which reads the tenant again and goes on. */
  | 'tenant_changed';

export interface ReconcileResult {
  readonly launched: number;
  /** Why the reconcile stopped launching. */
  readonly reason: ReconcileReason;
}

/**
 * Serves the demand of one (tenant, tier): launches as many runners as there are queued jobs
 * without one, within both limits. It is level-triggered and idempotent: it reads the ledger
 * rather than trusting the event that asked for it, and every slot it takes is taken
 * atomically against the demand and both limits, so racing reconciles are harmless.
 */
export async function reconcileTier(
  deps: CoreDeps,
  installationId: number,
  tierName: string,
): Promise<ReconcileResult> {
  const log = deps.logger.child({
    tenant_id: installationId,
    installation_id: installationId,
    tier: tierName,
  });
  const tier = findTier(deps.catalog, tierName);
  if (tier === undefined) {
    log.warn('no runner: the tier is no longer configured', { reason: 'unknown_tier' });
    await recordTierDecision(deps, installationId, tierName, 'unknown_tier', 0, undefined);
    return { launched: 0, reason: 'unknown_tier' };
  }

  let launched = 0;
  let tenant = await ensureTenant(deps, installationId);
  for (const lastTry of [false, true]) {
    const { runners, reason } =
      tenant.status === 'active'
        ? await takeSlots(deps, tenant, tier)
        : { runners: [], reason: inactiveReason(tenant) };
    await launchAll(deps, tenant, tier, runners, log);
    launched += runners.length;

    // The tenant may be a copy a few seconds old. One the ledger found out of date is read
    // again, and so is one that said no (a resumed tenant, a raised limit), once.
    if (!lastTry && dependsOnTenant(reason)) {
      const current = await changedTenant(deps, tenant, tier.name);
      if (current !== undefined || reason === 'tenant_changed') {
        tenant = current ?? tenant;
        continue;
      }
    }
    if (reason === 'tenant_changed') break;

    await noteDecision(deps, tier, installationId, { launched, reason, jobId: undefined }, log);
    return { launched, reason };
  }
  throw new PlatformError(
    'conflict',
    `reconciling tenant ${installationId} tier ${tierName}: the tenant record kept changing`,
    { retryable: true, details: { installation_id: installationId, tier: tierName } },
  );
}

function inactiveReason(tenant: Tenant): 'tenant_deleted' | 'tenant_suspended' {
  return tenant.status === 'deleted' ? 'tenant_deleted' : 'tenant_suspended';
}

/**
 * The tenant read fresh when it would launch otherwise than `seen` in the tier, else
 * undefined: how a refusal decided on a cached copy is confirmed before it stands.
 */
export async function changedTenant(
  deps: CoreDeps,
  seen: Tenant,
  tier: string,
): Promise<Tenant | undefined> {
  const current = await ensureTenant(deps, seen.installationId, { fresh: true });
  return sameLaunchTerms(seen, current, tier) ? undefined : current;
}

/** Refusals a newer tenant record could turn into a launch. */
export function dependsOnTenant(reason: ReconcileReason): boolean {
  return (
    reason === 'tenant_changed' ||
    reason === 'tenant_suspended' ||
    reason === 'at_tenant_limit' ||
    reason === 'at_tier_limit'
  );
}

/** The slot request for one runner of the tenant in the tier, in `repository` when given. */
export function slotRequest(
  deps: Pick<CoreDeps, 'settings' | 'newId' | 'clock'>,
  tenant: Tenant,
  tier: Tier,
  repository: string | undefined,
): SlotRequest {
  return {
    installationId: tenant.installationId,
    tier: tier.name,
    tenantTier: tenant.tier,
    repository,
    runnerName: runnerName(
      deps.settings.runnerNamePrefix,
      tenant.installationId,
      tier.name,
      deps.newId(),
    ),
    limits: slotLimits(tenant, tier),
    at: isoTime(deps.clock),
    tenant,
  };
}

/** Starts the runners whose slots were taken; a retryable failure is the one rethrown. */
export async function launchAll(
  deps: CoreDeps,
  tenant: Tenant,
  tier: Tier,
  runners: readonly Runner[],
  log: Logger,
): Promise<void> {
  const results = await Promise.allSettled(
    runners.map((runner) =>
      launchRunner(deps, tenant, tier, runner, log.child({ runner_name: runner.name })),
    ),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) throw pickFailure(failures);
}

/**
 * Logs and records why a reconcile or a job stopped where it did. A launch that served all
 * the demand is its runner's own record, and is not written to the decision log again.
 */
export async function noteDecision(
  deps: CoreDeps,
  tier: Tier,
  installationId: number,
  outcome: { readonly launched: number; readonly reason: ReconcileReason; readonly jobId?: number },
  log: Logger,
): Promise<void> {
  logDecision(deps, tier, outcome.launched, outcome.reason, log);
  if (outcome.reason === 'launched' || outcome.reason === 'tenant_changed') return;
  await recordTierDecision(
    deps,
    installationId,
    tier.name,
    outcome.reason,
    outcome.launched,
    outcome.jobId,
  );
}

/** Records a decision that launched `launched` runners, for the operator's eyes. */
export function recordTierDecision(
  deps: CoreDeps,
  installationId: number,
  tier: string | undefined,
  reason: Exclude<ReconcileReason, 'tenant_changed' | 'launched'>,
  launched: number,
  jobId: number | undefined,
): Promise<void> {
  return recordDecision(deps, {
    installationId,
    tier,
    reason,
    launched,
    jobId,
    detail: undefined,
    at: isoTime(deps.clock),
  });
}

/** Takes slots until the ledger refuses, once per scope with demand. */
async function takeSlots(
  deps: CoreDeps,
  tenant: Tenant,
  tier: Tier,
): Promise<{ runners: Runner[]; reason: ReconcileReason }> {
  const runners: Runner[] = [];
  let reason: ReconcileReason = 'no_demand';

  for (const repository of await demandScopes(deps, tenant, tier)) {
    for (;;) {
      const decision = await deps.ledger.takeSlot(slotRequest(deps, tenant, tier, repository));
      if (!decision.taken) {
        reason = decision.reason;
        break;
      }
      runners.push(decision.runner);
    }
    if (reason !== 'no_demand') break;
  }

  return { runners, reason: runners.length > 0 && reason === 'no_demand' ? 'launched' : reason };
}

/**
 * Org runners serve the whole organisation: one scope. A User account has no org runners,
 * so each repository with queued jobs is a scope of its own.
 */
async function demandScopes(
  deps: CoreDeps,
  tenant: Tenant,
  tier: Tier,
): Promise<(string | undefined)[]> {
  if (tenant.accountType === 'Organization') return [undefined];

  const jobs = await deps.ledger.listJobs({
    installationId: tenant.installationId,
    tier: tier.name,
    status: 'queued',
  });
  return oldestFirst(jobs, (job) => job.repository);
}

function logDecision(
  deps: CoreDeps,
  tier: Tier,
  launched: number,
  reason: ReconcileReason,
  log: Logger,
): void {
  if (reason === 'at_tenant_limit' || reason === 'at_tier_limit') {
    deps.metrics.increment('ghr_limit_reached_total', { tier: tier.name, reason });
    log.info(launched > 0 ? 'runners launched up to the limit' : 'no runner', {
      launched,
      reason,
    });
    return;
  }
  if (launched > 0) log.info('runners launched', { launched, reason });
  else if (reason === 'tenant_suspended' || reason === 'tenant_deleted') {
    log.info('no runner', { reason });
  } else log.debug('no runner', { reason });
}

/** A retryable failure wins, so the work is tried again rather than given up. */
function pickFailure(failures: unknown[]): unknown {
  return failures.find((f) => isRetryable(f)) ?? failures[0];
}
