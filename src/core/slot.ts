import { PlatformError } from './errors.js';
import type { SlotRefusal, SlotRequest } from './ports/ledger.js';
import type { Runner } from './runner.js';
import type { SlotLimits } from './tenant.js';

/** What a ledger counts, inside its atomic step, before it grants a slot. */
export interface SlotCounts {
  /** Queued jobs of the tenant and tier, in the request's repository when it has one. */
  readonly queuedJobs: number;
  /** Launching and idle runners of the same scope: each will take one of those jobs. */
  readonly pendingRunners: number;
  /** Runners of the tenant that are not done, across all tiers. */
  readonly tenantRunners: number;
  /** Runners of the tenant in the requested tier that are not done. */
  readonly tierRunners: number;
}

/**
 * The one rule every ledger applies: the first failing check in the order the `Ledger` port
 * documents, or undefined when the slot may be taken.
 */
export function slotRefusal(counts: SlotCounts, limits: SlotLimits): SlotRefusal | undefined {
  if (counts.queuedJobs <= counts.pendingRunners) return 'no_demand';
  if (counts.tenantRunners >= limits.tenantMax) return 'at_tenant_limit';
  if (counts.tierRunners >= limits.tierMax) return 'at_tier_limit';
  return undefined;
}

/** The runner a granted slot records: `launching`, bound to the request's tenant and tier. */
export function launchingRunner(request: SlotRequest): Runner {
  return {
    name: request.runnerName,
    installationId: request.installationId,
    tier: request.tier,
    tenantTier: request.tenantTier,
    repository: request.repository,
    state: 'launching',
    githubRunnerId: undefined,
    computeId: undefined,
    machine: undefined,
    jobId: undefined,
    launchedAt: request.at,
    registeredAt: undefined,
    startedAt: undefined,
    doneAt: undefined,
    doneReason: undefined,
  };
}

/** What every ledger throws when a slot request names a runner that exists: names are single-use. */
export function runnerNameTaken(
  runnerName: string,
  attempt = `taking a slot for runner ${runnerName}`,
): PlatformError {
  return new PlatformError(
    'conflict',
    `${attempt}: runner names are single-use, and this one exists`,
    {
      details: { runner_name: runnerName },
    },
  );
}
