import type { Job, JobObservation, JobStatus } from '../job.js';
import type { Runner, RunnerPatch, RunnerState } from '../runner.js';
import type { SlotLimits, Tenant } from '../tenant.js';

export interface SlotRequest {
  readonly installationId: number;
  readonly tier: string;
  readonly tenantTier: string;
  /** Repository-level scope (`owner/name`) for User accounts; undefined for the org. */
  readonly repository: string | undefined;
  readonly runnerName: string;
  readonly limits: SlotLimits;
  readonly at: string;
  /**
   * The tenant record `limits` and `tenantTier` were read from. A ledger that can see the
   * tenant records (the DynamoDB one) checks it in the same atomic step and refuses with
   * `tenant_changed` when the stored record differs in anything a launch uses, so a cached copy
   * can never launch past a lowered limit or for a suspended tenant. Others ignore it.
   */
  readonly tenant?: Tenant;
}

export type SlotRefusal = 'no_demand' | 'at_tenant_limit' | 'at_tier_limit';

export type SlotDecision =
  | { readonly taken: true; readonly runner: Runner }
  | { readonly taken: false; readonly reason: SlotRefusal }
  /** The request's `tenant` is no longer the stored one: read it again and decide anew. */
  | { readonly taken: false; readonly reason: 'tenant_changed' };

export interface ObserveOptions {
  /**
   * A slot to try in the same atomic step, when this observation makes the job newly queued
   * (unknown before, or `waiting`). The job already counts as demand, and `takeSlot`'s rules
   * apply; the job is recorded whatever the slot decision.
   */
  readonly slot?: SlotRequest;
}

export interface Observed {
  readonly job: Job;
  /** False for repeats and stale news: nothing was written. */
  readonly changed: boolean;
  /** The decision on `options.slot`; undefined when no slot was tried. */
  readonly slot?: SlotDecision;
}

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
  /**
   * Folds the observation in, forward only, and tries `options.slot` with it (see
   * `ObserveOptions`): a newly queued job and its runner cost one atomic step.
   */
  observeJob(observation: JobObservation, options?: ObserveOptions): Promise<Observed>;

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
