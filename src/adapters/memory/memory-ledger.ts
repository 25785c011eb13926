import type { Job, JobObservation } from '../../core/job.js';
import { applyJobObservation } from '../../core/job.js';
import {
  checkJobObservation,
  checkRunnerPatch,
  checkSlotRequest,
} from '../../core/ledger-input.js';
import type {
  JobFilter,
  Ledger,
  ObserveOptions,
  Observed,
  RunnerFilter,
  SlotDecision,
  SlotRequest,
} from '../../core/ports/ledger.js';
import type { Runner, RunnerPatch } from '../../core/runner.js';
import { PENDING_RUNNER_STATES, applyRunnerPatch } from '../../core/runner.js';
import { launchingRunner, runnerNameTaken, slotRefusal } from '../../core/slot.js';

/**
 * Jobs and runners in maps. `takeSlot` counts and inserts with no `await` in between, which
 * on one event loop is as atomic as the SQLite transaction.
 */
export class MemoryLedger implements Ledger {
  private readonly jobs = new Map<number, Job>();
  private readonly runners = new Map<string, Runner>();

  async observeJob(observation: JobObservation, options: ObserveOptions = {}): Promise<Observed> {
    checkJobObservation(observation);
    if (options.slot !== undefined) checkSlotRequest(options.slot);

    const known = this.jobs.get(observation.id);
    const job = applyJobObservation(known, observation);
    if (job === known) return { job, changed: false };

    // Checked before the job is stored, so a refused request leaves nothing half done.
    if (options.slot !== undefined && job.status === 'queued') this.refuseTakenName(options.slot);
    const stored = Object.freeze({ ...job, labels: Object.freeze([...job.labels]) });
    this.jobs.set(stored.id, stored);
    if (options.slot === undefined || stored.status !== 'queued') {
      return { job: stored, changed: true };
    }
    return { job: stored, changed: true, slot: this.take(options.slot) };
  }

  async getJob(id: number): Promise<Job | undefined> {
    return this.jobs.get(id);
  }

  async listJobs(filter: JobFilter = {}): Promise<Job[]> {
    return [...this.jobs.values()]
      .filter(
        (job) =>
          (filter.installationId === undefined || job.installationId === filter.installationId) &&
          (filter.tier === undefined || job.tier === filter.tier) &&
          (filter.status === undefined || job.status === filter.status) &&
          (filter.repository === undefined || job.repository === filter.repository),
      )
      .sort((a, b) => a.id - b.id);
  }

  async takeSlot(request: SlotRequest): Promise<SlotDecision> {
    checkSlotRequest(request);
    this.refuseTakenName(request);
    return this.take(request);
  }

  private refuseTakenName(request: SlotRequest): void {
    if (this.runners.has(request.runnerName)) throw runnerNameTaken(request.runnerName);
  }

  /** Counts and inserts with no `await`: as atomic as a transaction on one event loop. */
  private take(request: SlotRequest): SlotDecision {
    const inScope = (repository: string | undefined): boolean =>
      request.repository === undefined || repository === request.repository;
    const jobs = [...this.jobs.values()].filter(
      (job) =>
        job.installationId === request.installationId &&
        job.tier === request.tier &&
        job.status === 'queued' &&
        inScope(job.repository),
    );
    const tenantRunners = [...this.runners.values()].filter(
      (runner) => runner.installationId === request.installationId && runner.state !== 'done',
    );
    const tierRunners = tenantRunners.filter((runner) => runner.tier === request.tier);
    const pendingRunners = tierRunners.filter(
      (runner) => PENDING_RUNNER_STATES.includes(runner.state) && inScope(runner.repository),
    );

    const reason = slotRefusal(
      {
        queuedJobs: jobs.length,
        pendingRunners: pendingRunners.length,
        tenantRunners: tenantRunners.length,
        tierRunners: tierRunners.length,
      },
      request.limits,
    );
    if (reason !== undefined) return { taken: false, reason };

    const runner = Object.freeze(launchingRunner(request));
    this.runners.set(runner.name, runner);
    return { taken: true, runner };
  }

  async updateRunner(name: string, patch: RunnerPatch): Promise<Runner | undefined> {
    checkRunnerPatch(name, patch);

    const known = this.runners.get(name);
    if (known === undefined) return undefined;

    const next = applyRunnerPatch(known, patch);
    if (next === known) return known;

    const stored = Object.freeze({ ...next });
    this.runners.set(name, stored);
    return stored;
  }

  async getRunner(name: string): Promise<Runner | undefined> {
    return this.runners.get(name);
  }

  async listRunners(filter: RunnerFilter = {}): Promise<Runner[]> {
    return [...this.runners.values()]
      .filter(
        (runner) =>
          (filter.installationId === undefined ||
            runner.installationId === filter.installationId) &&
          (filter.tier === undefined || runner.tier === filter.tier) &&
          (filter.states === undefined || filter.states.includes(runner.state)),
      )
      .sort((a, b) => byText(a.launchedAt, b.launchedAt) || byText(a.name, b.name));
  }
}

/** Orders strings by code unit, as SQLite's default collation does, so both ledgers agree. */
function byText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
