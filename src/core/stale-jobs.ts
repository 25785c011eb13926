import type { CoreDeps } from './deps.js';
import type { Job } from './job.js';
import type { GitHubJob } from './ports/github.js';
import { isOwnRunnerName } from './runner-name.js';

/** A queued job this old without a runner is worth asking GitHub about. */
export const DEFAULT_JOB_CHECK_AFTER_MS = 10 * 60_000;

/** GitHub cancels a self-hosted job that waited this long in the queue. */
export const QUEUED_JOB_LIFETIME_MS = 24 * 60 * 60_000;

/** At most this many jobs are looked up per sweep, oldest first, to bound GitHub calls. */
const MAX_CHECKS_PER_SWEEP = 20;

/** When each job was last looked up, kept by the caller across sweeps. */
export type JobCheckMemory = Map<number, number>;

/**
 * Brings queued jobs that waited long up to date with GitHub: a job whose `in_progress` or
 * `completed` webhook was lost (the server was down, a delivery failed) would otherwise keep
 * asking for runners forever. A job GitHub no longer knows, or one past GitHub's 24-hour
 * queue lifetime, is closed. Each job is looked up at most once per check interval.
 */
export async function refreshStaleJobs(
  deps: CoreDeps,
  now: number,
  memory: JobCheckMemory,
): Promise<number> {
  const after = deps.settings.jobCheckAfterMs ?? DEFAULT_JOB_CHECK_AFTER_MS;
  const queued = await deps.ledger.listJobs({ status: 'queued' });
  const due = queued
    .filter((job) => now - Date.parse(job.createdAt) > after)
    .filter((job) => now - (memory.get(job.id) ?? 0) > after)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .slice(0, MAX_CHECKS_PER_SWEEP);

  let changed = 0;
  for (const job of due) {
    memory.set(job.id, now);
    if (await refreshJob(deps, job, now)) changed += 1;
  }
  for (const id of memory.keys()) if (!queued.some((job) => job.id === id)) memory.delete(id);
  return changed;
}

async function refreshJob(deps: CoreDeps, job: Job, now: number): Promise<boolean> {
  const log = deps.logger.child({
    tenant_id: job.installationId,
    installation_id: job.installationId,
    job_id: job.id,
  });
  const at = new Date(now).toISOString();
  const base = { ...job, at, runnerName: undefined, conclusion: undefined };

  if (now - Date.parse(job.createdAt) > QUEUED_JOB_LIFETIME_MS) {
    await deps.ledger.observeJob({ ...base, status: 'completed', conclusion: 'expired' });
    log.info('queued job closed: past the 24-hour queue lifetime', { reason: 'job_expired' });
    return true;
  }

  const tenant = await deps.tenants.get(job.installationId);
  if (tenant === undefined || tenant.status !== 'active') return false;

  let seen: GitHubJob | undefined;
  try {
    seen = await deps.github.getJob(job.installationId, job.repository, job.id);
  } catch (error) {
    log.warn('could not look a queued job up on GitHub', { err: error });
    return false;
  }
  if (seen === undefined) {
    await deps.ledger.observeJob({ ...base, status: 'completed', conclusion: 'not_found' });
    log.info('queued job closed: GitHub no longer knows it', { reason: 'job_not_found' });
    return true;
  }
  if (seen.status === 'queued' || seen.status === 'waiting') return false;

  await deps.ledger.observeJob({
    ...base,
    status: seen.status,
    runnerName: seen.runnerName,
    conclusion: seen.conclusion,
  });
  await markRunnerBusy(deps, job, seen.runnerName, at);
  log.info('queued job brought up to date from GitHub', {
    status: seen.status,
    reason: 'job_event_missed',
  });
  return true;
}

async function markRunnerBusy(
  deps: CoreDeps,
  job: Job,
  runnerName: string | undefined,
  at: string,
): Promise<void> {
  if (!isOwnRunnerName(deps.settings.runnerNamePrefix, runnerName)) return;
  const runner = await deps.ledger.getRunner(runnerName);
  if (runner === undefined || runner.installationId !== job.installationId) return;
  await deps.ledger.updateRunner(runnerName, { state: 'busy', jobId: job.id, at });
}
