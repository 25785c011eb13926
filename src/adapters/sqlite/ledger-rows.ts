import { PlatformError } from '../../core/errors.js';
import type { Job, JobStatus } from '../../core/job.js';
import type { Runner, RunnerState } from '../../core/runner.js';

/** A `jobs` row as better-sqlite3 reads and writes it. */
export interface JobRow {
  id: number;
  installation_id: number;
  tier: string;
  repository: string;
  run_id: number;
  labels: string;
  status: string;
  runner_name: string | null;
  conclusion: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

/** A `runners` row as better-sqlite3 reads and writes it. */
export interface RunnerRow {
  name: string;
  installation_id: number;
  tier: string;
  tenant_tier: string;
  repository: string | null;
  state: string;
  github_runner_id: number | null;
  compute_id: string | null;
  machine: string | null;
  job_id: number | null;
  launched_at: string;
  registered_at: string | null;
  started_at: string | null;
  done_at: string | null;
  done_reason: string | null;
}

export const JOB_COLUMNS =
  'id, installation_id, tier, repository, run_id, labels, status, runner_name, conclusion, ' +
  'created_at, updated_at, started_at, completed_at';

export const RUNNER_COLUMNS =
  'name, installation_id, tier, tenant_tier, repository, state, github_runner_id, compute_id, ' +
  'machine, job_id, launched_at, registered_at, started_at, done_at, done_reason';

/** `@name` placeholders for every column of a list, in order. */
export function placeholders(columns: string): string {
  return columns
    .split(',')
    .map((column) => `@${column.trim()}`)
    .join(', ');
}

export function jobToRow(job: Job): JobRow {
  return {
    id: job.id,
    installation_id: job.installationId,
    tier: job.tier,
    repository: job.repository,
    run_id: job.runId,
    labels: JSON.stringify(job.labels),
    status: job.status,
    runner_name: job.runnerName ?? null,
    conclusion: job.conclusion ?? null,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    started_at: job.startedAt ?? null,
    completed_at: job.completedAt ?? null,
  };
}

export function rowToJob(row: JobRow): Job {
  return {
    id: row.id,
    installationId: row.installation_id,
    tier: row.tier,
    repository: row.repository,
    runId: row.run_id,
    labels: parseLabels(row),
    status: row.status as JobStatus,
    runnerName: row.runner_name ?? undefined,
    conclusion: row.conclusion ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at ?? undefined,
    completedAt: row.completed_at ?? undefined,
  };
}

export function runnerToRow(runner: Runner): RunnerRow {
  return {
    name: runner.name,
    installation_id: runner.installationId,
    tier: runner.tier,
    tenant_tier: runner.tenantTier,
    repository: runner.repository ?? null,
    state: runner.state,
    github_runner_id: runner.githubRunnerId ?? null,
    compute_id: runner.computeId ?? null,
    machine: runner.machine ?? null,
    job_id: runner.jobId ?? null,
    launched_at: runner.launchedAt,
    registered_at: runner.registeredAt ?? null,
    started_at: runner.startedAt ?? null,
    done_at: runner.doneAt ?? null,
    done_reason: runner.doneReason ?? null,
  };
}

export function rowToRunner(row: RunnerRow): Runner {
  return {
    name: row.name,
    installationId: row.installation_id,
    tier: row.tier,
    tenantTier: row.tenant_tier,
    repository: row.repository ?? undefined,
    state: row.state as RunnerState,
    githubRunnerId: row.github_runner_id ?? undefined,
    computeId: row.compute_id ?? undefined,
    machine: row.machine ?? undefined,
    jobId: row.job_id ?? undefined,
    launchedAt: row.launched_at,
    registeredAt: row.registered_at ?? undefined,
    startedAt: row.started_at ?? undefined,
    doneAt: row.done_at ?? undefined,
    doneReason: row.done_reason ?? undefined,
  };
}

function parseLabels(row: JobRow): string[] {
  try {
    return JSON.parse(row.labels) as string[];
  } catch (error) {
    throw new PlatformError('unavailable', `reading job ${row.id}: labels is not JSON`, {
      cause: error,
      retryable: false,
      details: { job_id: row.id },
    });
  }
}
