import type { Job, JobObservation, JobStatus } from '../job.js';
import type { Runner, RunnerPatch, RunnerState } from '../runner.js';
import type { SlotLimits } from '../tenant.js';

export interface SlotRequest {
  readonly installationId: number;
  readonly tier: string;
  readonly tenantTier: string;
  /** Repository-level scope (`owner/name`) for User accounts; undefined for the org. */
  readonly repository: string | undefined;
  readonly runnerName: string;
  readonly limits: SlotLimits;
  readonly at: string;
}

export type SlotRefusal = 'no_demand' | 'at_tenant_limit' | 'at_tier_limit';

export type SlotDecision =
  | { readonly taken: true; readonly runner: Runner }
  | { readonly taken: false; readonly reason: SlotRefusal };

export interface JobFilter {
  readonly installationId?: number;
  readonly tier?: string;
  readonly status?: JobStatus;
  readonly repository?: string;
}

export interface RunnerFilter {
  readonly installationId?: number;
  readonly tier?: string;
  readonly states?: readonly RunnerState[];
}

/**
 * The ledger of jobs and runners, and the slots that runners hold.
 *
 * A slot is a runner row that is not `done`. `takeSlot` is the only way a runner comes into
 * being, and it is atomic: however many workers race, a tenant never holds more than
 * `tenantMax` slots across tiers, nor more than `tierMax` in one tier.
 */
export interface Ledger {
  /** Folds the observation in, forward only. `changed` is false for repeats and stale news. */
  observeJob(observation: JobObservation): Promise<{ job: Job; changed: boolean }>;

  getJob(id: number): Promise<Job | undefined>;

  listJobs(filter?: JobFilter): Promise<Job[]>;

  /**
   * Atomically checks, in this order, that the scope still has demand (queued jobs of the
   * tenant and tier, in the repository when one is given, outnumber its launching and idle
   * runners), that the tenant is under `tenantMax` and the tier under `tierMax`; then records
   * a `launching` runner named `runnerName`. Checking demand in the same step means racing
   * reconciles of one tier never launch more runners than there are jobs.
   */
  takeSlot(request: SlotRequest): Promise<SlotDecision>;

  /** Applies the patch forward only; returns the stored runner, or undefined if unknown. */
  updateRunner(name: string, patch: RunnerPatch): Promise<Runner | undefined>;

  getRunner(name: string): Promise<Runner | undefined>;

  listRunners(filter?: RunnerFilter): Promise<Runner[]>;
}
