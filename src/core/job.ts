/**
 * A `workflow_job` as the ledger knows it. States only move forward; `waiting` (a job held
 * by an environment's protection rules) creates no demand until GitHub queues it.
 */
export type JobStatus = 'waiting' | 'queued' | 'in_progress' | 'completed';

const JOB_RANK: Readonly<Record<JobStatus, number>> = {
  waiting: 0,
  queued: 1,
  in_progress: 2,
  completed: 3,
};

export interface Job {
  readonly id: number;
  readonly installationId: number;
  readonly tier: string;
  /** `owner/name` of the repository the job runs in. */
  readonly repository: string;
  readonly runId: number;
  readonly labels: readonly string[];
  readonly status: JobStatus;
  readonly runnerName: string | undefined;
  readonly conclusion: string | undefined;
  /** ISO times. `queuedAt` is when we first saw demand for it. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | undefined;
  readonly completedAt: string | undefined;
}

/** What one webhook (or a recovery poll) says about a job. */
export interface JobObservation {
  readonly id: number;
  readonly installationId: number;
  readonly tier: string;
  readonly repository: string;
  readonly runId: number;
  readonly labels: readonly string[];
  readonly status: JobStatus;
  readonly runnerName: string | undefined;
  readonly conclusion: string | undefined;
  readonly at: string;
}

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && value in JOB_RANK;
}

/** True when moving from `from` to `to` goes forward (a repeat is not a move). */
export function jobMovesForward(from: JobStatus, to: JobStatus): boolean {
  return JOB_RANK[to] > JOB_RANK[from];
}

/**
 * Folds an observation into the known job. Returns the job unchanged (same object) when the
 * observation is stale, a repeat, or out of order, so callers can tell whether anything moved.
 */
export function applyJobObservation(known: Job | undefined, seen: JobObservation): Job {
  if (known === undefined) {
    return {
      id: seen.id,
      installationId: seen.installationId,
      tier: seen.tier,
      repository: seen.repository,
      runId: seen.runId,
      labels: seen.labels,
      status: seen.status,
      runnerName: seen.runnerName,
      conclusion: seen.conclusion,
      createdAt: seen.at,
      updatedAt: seen.at,
      startedAt: seen.status === 'in_progress' || seen.status === 'completed' ? seen.at : undefined,
      completedAt: seen.status === 'completed' ? seen.at : undefined,
    };
  }
  if (!jobMovesForward(known.status, seen.status)) return known;

  return {
    ...known,
    status: seen.status,
    runnerName: seen.runnerName ?? known.runnerName,
    conclusion: seen.conclusion ?? known.conclusion,
    updatedAt: seen.at,
    startedAt:
      known.startedAt ??
      (seen.status === 'in_progress' || seen.status === 'completed' ? seen.at : undefined),
    completedAt: seen.status === 'completed' ? seen.at : known.completedAt,
  };
}
