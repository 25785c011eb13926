import { PlatformError } from '../core/errors.js';
import type { Job, JobStatus } from '../core/job.js';
import type { WorkQueueStats } from '../core/ports/work-queue.js';
import type { RunnerState } from '../core/runner.js';
import type { OperatorContext } from './operator-context.js';
import { tenantFilter, tierFilter } from './operator-context.js';
import type { RawInput } from './operator-input.js';
import type { JobView, RunnerView } from './operator-views.js';
import { jobView, runnerView, secondsSince } from './operator-views.js';

const RUNNER_STATES: readonly RunnerState[] = ['launching', 'idle', 'busy', 'done'];
const JOB_STATUSES: readonly JobStatus[] = ['waiting', 'queued', 'in_progress', 'completed'];

export interface RunnerListView {
  readonly runners: readonly RunnerView[];
}

export interface JobListView {
  readonly jobs: readonly JobView[];
}

/**
 * One tier's waiting jobs, from the ledger: the same on every backend. Jobs of deleted
 * tenants are left out, since nothing will ever run them.
 */
export interface TierQueueView {
  readonly tier: string;
  readonly queued_jobs: number;
  /** Of those, the jobs held back because their tenant is suspended. */
  readonly suspended_jobs: number;
  /** Tenants with jobs waiting in the tier. */
  readonly tenants: number;
  readonly oldest_job_id: number | null;
  readonly oldest_installation_id: number | null;
  readonly oldest_queued_at: string | null;
  readonly oldest_waiting_seconds: number | null;
}

export interface QueuesView {
  readonly tiers: readonly TierQueueView[];
  /** The work queue's own counts, where the backend can say; null where it cannot. */
  readonly work_queue: WorkQueueStats | null;
}

/** Runners in launch order, by tenant, tier and state as asked. */
export async function listRunners(
  context: OperatorContext,
  request: { readonly tenant?: RawInput; readonly tier?: RawInput; readonly state?: RawInput },
): Promise<RunnerListView> {
  const tier = tierFilter(context, 'tier', request.tier);
  const state = context.input.choice('state', request.state, RUNNER_STATES);
  const installationId = await tenantFilter(context, 'tenant', request.tenant);

  const runners = await context.backend.ledger.listRunners({
    ...(installationId === undefined ? {} : { installationId }),
    ...(tier === undefined ? {} : { tier }),
    ...(state === undefined ? {} : { states: [state] }),
  });
  return { runners: runners.map(runnerView) };
}

/** Jobs in id order, by tenant and status as asked. */
export async function listJobs(
  context: OperatorContext,
  request: { readonly tenant?: RawInput; readonly status?: RawInput },
): Promise<JobListView> {
  const status = context.input.choice('status', request.status, JOB_STATUSES);
  const installationId = await tenantFilter(context, 'tenant', request.tenant);

  const jobs = await context.backend.ledger.listJobs({
    ...(installationId === undefined ? {} : { installationId }),
    ...(status === undefined ? {} : { status }),
  });
  return { jobs: jobs.map(jobView) };
}

/** Per tier, the jobs waiting for a runner and the one waiting longest. */
export async function listQueues(context: OperatorContext): Promise<QueuesView> {
  const { ledger, queue, catalog, clock, tenants } = context.backend;
  const status = new Map((await tenants.list()).map((t) => [t.installationId, t.status]));
  const queued = (await ledger.listJobs({ status: 'queued' })).filter(
    (job) => status.get(job.installationId) !== 'deleted',
  );
  const suspended = (job: Job) => status.get(job.installationId) === 'suspended';
  const configured = catalog?.tiers.map((tier) => tier.name) ?? [];
  const others = [...new Set(queued.map((job) => job.tier))]
    .filter((name) => !configured.includes(name))
    .sort();
  const now = clock.now();

  const tiers = [...configured, ...others].map((tier) =>
    tierQueue(
      tier,
      queued.filter((job) => job.tier === tier),
      suspended,
      now,
    ),
  );
  return { tiers, work_queue: queue === undefined ? null : await workQueueStats(context) };
}

/** The work queue's counts; null, with the reason as progress, when the queue cannot say. */
async function workQueueStats(context: OperatorContext): Promise<WorkQueueStats | null> {
  try {
    return (await context.backend.queue?.stats()) ?? null;
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    context.backend.progress(`the work queue's depth is not available: ${error.message}`);
    return null;
  }
}

function tierQueue(
  tier: string,
  jobs: readonly Job[],
  suspended: (job: Job) => boolean,
  now: number,
): TierQueueView {
  const oldest = [...jobs].sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id,
  )[0];

  return {
    tier,
    queued_jobs: jobs.length,
    suspended_jobs: jobs.filter(suspended).length,
    tenants: new Set(jobs.map((job) => job.installationId)).size,
    oldest_job_id: oldest?.id ?? null,
    oldest_installation_id: oldest?.installationId ?? null,
    oldest_queued_at: oldest?.createdAt ?? null,
    oldest_waiting_seconds: oldest === undefined ? null : secondsSince(oldest.createdAt, now),
  };
}
