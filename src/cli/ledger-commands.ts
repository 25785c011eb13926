import type { JobListView, QueuesView, RunnerListView } from '../operator/ledger-listings.js';
import { text } from './command-line.js';
import type { OperatorCommand } from './operator-command.js';
import { renderCsv, renderTable, shortTime } from './output-format.js';

const RUNNER_KEYS = [
  'name',
  'installation_id',
  'tier',
  'tenant_tier',
  'repository',
  'state',
  'machine',
  'compute_id',
  'github_runner_id',
  'job_id',
  'launched_at',
  'registered_at',
  'started_at',
  'done_at',
  'done_reason',
] as const;

const JOB_KEYS = [
  'id',
  'installation_id',
  'tier',
  'repository',
  'run_id',
  'status',
  'labels',
  'runner_name',
  'conclusion',
  'created_at',
  'started_at',
  'completed_at',
] as const;

const QUEUE_KEYS = [
  'tier',
  'queued_jobs',
  'suspended_jobs',
  'tenants',
  'oldest_job_id',
  'oldest_installation_id',
  'oldest_queued_at',
  'oldest_waiting_seconds',
] as const;

export const RUNNERS_LIST: OperatorCommand = {
  name: 'runners list',
  help: `Usage: ghr runners list [--tenant ID] [--tier T] [--state launching|idle|busy|done]
                        [--output table|json|csv]

Lists runners from the ledger in launch order: tenant, tier, state, the machine it runs on,
the job it took, and when it launched and ended.
`,
  options: { tenant: { type: 'string' }, tier: { type: 'string' }, state: { type: 'string' } },
  formats: ['table', 'json', 'csv'],
  run: async (service, line) => {
    const view = await service.listRunners({
      tenant: text(line, 'tenant'),
      tier: text(line, 'tier'),
      state: text(line, 'state'),
    });
    return {
      view,
      table: () => runnerTable(view),
      csv: () =>
        renderCsv(
          RUNNER_KEYS,
          view.runners.map((r) => RUNNER_KEYS.map((k) => r[k])),
        ),
    };
  },
};

export const JOBS_LIST: OperatorCommand = {
  name: 'jobs list',
  help: `Usage: ghr jobs list [--tenant ID] [--status waiting|queued|in_progress|completed]
                     [--output table|json|csv]

Lists the jobs the ledger knows (those for a tier) in id order, with the runner that took each.
`,
  options: { tenant: { type: 'string' }, status: { type: 'string' } },
  formats: ['table', 'json', 'csv'],
  run: async (service, line) => {
    const view = await service.listJobs({
      tenant: text(line, 'tenant'),
      status: text(line, 'status'),
    });
    return {
      view,
      table: () => jobTable(view),
      csv: () =>
        renderCsv(
          JOB_KEYS,
          view.jobs.map((j) => JOB_KEYS.map((k) => j[k])),
        ),
    };
  },
};

export const QUEUES: OperatorCommand = {
  name: 'queues',
  help: `Usage: ghr queues [--output table|json|csv]

Per tier, the jobs waiting for a runner and the one waiting longest (from the ledger; jobs of
deleted tenants left out, those of suspended tenants counted apart too), and the work queue's
own counts where the backend can say.
`,
  formats: ['table', 'json', 'csv'],
  run: async (service) => {
    const view = await service.queues();
    return {
      view,
      table: () => queueTable(view),
      csv: () =>
        renderCsv(
          QUEUE_KEYS,
          view.tiers.map((t) => QUEUE_KEYS.map((k) => t[k])),
        ),
    };
  },
};

function runnerTable(view: RunnerListView): string {
  if (view.runners.length === 0) return '(no runners)';

  return renderTable(
    [
      { header: 'runner', shrink: true },
      { header: 'tenant', align: 'right' },
      { header: 'tier' },
      { header: 'state' },
      { header: 'machine', shrink: true },
      { header: 'job', align: 'right' },
      { header: 'launched' },
      { header: 'ran s', align: 'right' },
      { header: 'why done', shrink: true },
    ],
    view.runners.map((r) => [
      r.name,
      r.installation_id,
      r.tier,
      r.state,
      r.machine,
      r.job_id,
      shortTime(r.launched_at),
      r.done_at === null ? null : secondsBetween(r.launched_at, r.done_at),
      r.done_reason,
    ]),
  );
}

function secondsBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

function jobTable(view: JobListView): string {
  if (view.jobs.length === 0) return '(no jobs)';

  return renderTable(
    [
      { header: 'job', align: 'right' },
      { header: 'tenant', align: 'right' },
      { header: 'tier' },
      { header: 'repository', shrink: true },
      { header: 'status' },
      { header: 'runner', shrink: true },
      { header: 'queued' },
      { header: 'completed' },
    ],
    view.jobs.map((j) => [
      j.id,
      j.installation_id,
      j.tier,
      j.repository,
      j.status,
      j.runner_name,
      shortTime(j.created_at),
      shortTime(j.completed_at),
    ]),
  );
}

function queueTable(view: QueuesView): string {
  const tiers = renderTable(
    [
      { header: 'tier' },
      { header: 'queued', align: 'right' },
      { header: 'suspended', align: 'right' },
      { header: 'tenants', align: 'right' },
      { header: 'oldest job', align: 'right' },
      { header: 'of tenant', align: 'right' },
      { header: 'queued at' },
      { header: 'waiting s', align: 'right' },
    ],
    view.tiers.map((t) => [
      t.tier,
      t.queued_jobs,
      t.suspended_jobs,
      t.tenants,
      t.oldest_job_id,
      t.oldest_installation_id,
      shortTime(t.oldest_queued_at),
      t.oldest_waiting_seconds,
    ]),
  );
  const work = view.work_queue;
  const depth =
    work === null
      ? 'work queue: this backend does not report its depth'
      : `work queue: ${work.ready} ready, ${work.delayed} delayed, ${work.leased} being worked on, ${work.dead} dead`;
  return `${view.tiers.length === 0 ? '(no tiers known: give --config)' : tiers}\n\n${depth}`;
}
