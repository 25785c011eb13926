import type { JobRecord, RunnerRecord, SimState } from './sim-state.js';

/** GitHub's id and name for the group every repository-level runner belongs to. */
export const REPO_RUNNER_GROUP = { id: 1, name: 'Default' } as const;

interface Waiter {
  runner: RunnerRecord;
  settle(job: JobRecord | undefined): void;
}

/**
 * Assigns queued jobs to runners the way GitHub does: any idle runner of the job's
 * installation and scope whose labels cover the job's labels may take it. Assignment happens
 * within one synchronous step, so a job goes to exactly one runner.
 */
export class JobDispatcher {
  private waiters: Waiter[] = [];

  constructor(
    private readonly state: SimState,
    private readonly now: () => number,
  ) {}

  /** A job for this runner now, or within `waitMs`, or undefined; `signal` abandons the wait. */
  acquire(
    runner: RunnerRecord,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<JobRecord | undefined> {
    const ready = this.jobFor(runner);
    if (ready) {
      this.assign(ready, runner);
      return Promise.resolve(ready);
    }

    return new Promise((resolve) => {
      const timer = setTimeout(() => waiter.settle(undefined), waitMs);
      const waiter: Waiter = {
        runner,
        settle: (job) => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(job);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', () => waiter.settle(undefined), { once: true });
    });
  }

  /** Hands newly available jobs to the runners waiting for one. */
  offer(): void {
    for (const waiter of [...this.waiters]) {
      const job = this.jobFor(waiter.runner);
      if (!job) continue;
      this.assign(job, waiter.runner);
      waiter.settle(job);
    }
  }

  /** Ends the waits of one runner, or of all runners. */
  release(runnerId?: number): void {
    for (const waiter of [...this.waiters]) {
      if (runnerId === undefined || waiter.runner.id === runnerId) waiter.settle(undefined);
    }
  }

  private jobFor(runner: RunnerRecord): JobRecord | undefined {
    if (runner.busy || runner.status !== 'online') return undefined;
    if (this.state.runners.get(runner.id) !== runner) return undefined;
    const labels = new Set(runner.labels.map((l) => l.toLowerCase()));

    for (const job of this.state.jobs.values()) {
      if (job.status !== 'queued' || !job.announced) continue;
      if (job.installationId !== runner.installationId) continue;
      if (!inScope(job, runner)) continue;
      if (job.labels.every((l) => labels.has(l.toLowerCase()))) return job;
    }
    return undefined;
  }

  private assign(job: JobRecord, runner: RunnerRecord): void {
    const group = this.groupOf(runner);
    job.status = 'in_progress';
    job.runnerId = runner.id;
    job.runnerName = runner.name;
    job.runnerGroupId = group.id;
    job.runnerGroupName = group.name;
    job.startedAt = this.now();
    runner.busy = true;
  }

  private groupOf(runner: RunnerRecord): { id: number; name: string } {
    if (runner.repo !== undefined) return REPO_RUNNER_GROUP;
    const groups = this.state.runnerGroups(runner.owner);
    return groups.find((g) => g.id === runner.runnerGroupId) ?? REPO_RUNNER_GROUP;
  }
}

function inScope(job: JobRecord, runner: RunnerRecord): boolean {
  const [owner, repo] = job.repository.toLowerCase().split('/');
  if (owner !== runner.owner.toLowerCase()) return false;
  return runner.repo === undefined || runner.repo.toLowerCase() === repo;
}
