import type { TenantChangeView } from '../operator/tenant-changes.js';
import type { TenantDetailView, TenantListView } from '../operator/tenant-overview.js';
import { renderCsv, renderTable, shortTime } from './output-format.js';

const LIST_KEYS = [
  'installation_id',
  'account_login',
  'account_type',
  'status',
  'tier',
  'max_runners',
  'tier_overrides',
  'runner_group',
  'runners_held',
  'queued_jobs',
  'at_limit',
  'created_at',
  'updated_at',
] as const;

export function tenantListTable(view: TenantListView): string {
  if (view.tenants.length === 0) return '(no tenants)';

  return renderTable(
    [
      { header: 'id', align: 'right' },
      { header: 'account', shrink: true },
      { header: 'type' },
      { header: 'status' },
      { header: 'tier' },
      { header: 'held', align: 'right' },
      { header: 'limit', align: 'right' },
      { header: 'queued', align: 'right' },
      { header: 'at limit' },
      { header: 'overrides', shrink: true },
    ],
    view.tenants.map((t) => [
      t.installation_id,
      t.account_login,
      t.account_type,
      t.status,
      t.tier,
      t.runners_held,
      t.max_runners,
      t.queued_jobs,
      t.at_limit ? 'yes' : 'no',
      overrides(t.tier_overrides),
    ]),
  );
}

export function tenantListCsv(view: TenantListView): string {
  return renderCsv(
    LIST_KEYS,
    view.tenants.map((t) => LIST_KEYS.map((key) => t[key])),
  );
}

/** `tenants show`: the record, the runners per tier, the queue, the decisions. */
export function tenantDetailText(view: TenantDetailView): string {
  const t = view.tenant;
  const limit = view.runners.at_limit ? ' (at the limit)' : '';
  const record = renderTable(
    [{ header: 'tenant' }, { header: String(t.installation_id) }],
    [
      ['account', `${t.account_login} (${t.account_type})`],
      ['status', t.status],
      ['plan tier', t.tier],
      ['runners', `${view.runners.held} held of max_runners ${view.runners.limit}${limit}`],
      ['runner group', t.runner_group ?? "GitHub's default"],
      ['created', shortTime(t.created_at)],
      ['updated', shortTime(t.updated_at)],
    ],
  );

  return [
    record,
    section('Runners by tier (cap: the limit of the tier for this tenant)', tierTable(view)),
    section('Queued jobs, oldest first', queueTable(view)),
    section('Recent decisions, newest first', decisionTable(view)),
  ].join('\n\n');
}

function tierTable(view: TenantDetailView): string {
  if (view.runners.by_tier.length === 0) return '(no tiers known: give --config)';

  return renderTable(
    [
      { header: 'tier' },
      { header: 'launching', align: 'right' },
      { header: 'idle', align: 'right' },
      { header: 'busy', align: 'right' },
      { header: 'held', align: 'right' },
      { header: 'cap', align: 'right' },
      { header: 'cap from' },
      { header: 'queued', align: 'right' },
    ],
    view.runners.by_tier.map((row) => [
      row.tier,
      row.launching,
      row.idle,
      row.busy,
      row.held,
      row.cap,
      row.cap_from,
      row.queued_jobs,
    ]),
  );
}

function queueTable(view: TenantDetailView): string {
  if (view.queued_jobs.length === 0) return '(none)';

  const oldestFirst = [...view.queued_jobs].sort((a, b) => b.waiting_seconds - a.waiting_seconds);
  return renderTable(
    [
      { header: 'job', align: 'right' },
      { header: 'tier' },
      { header: 'repository', shrink: true },
      { header: 'queued at' },
      { header: 'waiting s', align: 'right' },
    ],
    oldestFirst.map((job) => [
      job.id,
      job.tier,
      job.repository,
      shortTime(job.queued_at),
      job.waiting_seconds,
    ]),
  );
}

function decisionTable(view: TenantDetailView): string {
  if (view.decisions.length === 0) return '(none recorded)';

  return renderTable(
    [
      { header: 'at' },
      { header: 'tier' },
      { header: 'reason' },
      { header: 'launched', align: 'right' },
      { header: 'times', align: 'right' },
      { header: 'last at' },
      { header: 'job', align: 'right' },
      { header: 'detail', shrink: true },
    ],
    view.decisions.map((d) => [
      shortTime(d.at),
      d.tier,
      d.reason,
      d.launched,
      d.repeats,
      d.repeats > 1 ? shortTime(d.last_at) : null,
      d.job_id,
      d.detail,
    ]),
  );
}

/** One line per change, and whether waiting jobs were woken. */
export function tenantChangeText(view: TenantChangeView): string {
  const who = `tenant ${view.tenant.installation_id} (${view.tenant.account_login})`;
  if (view.changes.length === 0) return `${who}: nothing to change`;

  const lines = [`${who}: ${view.changes.join('; ')}`];
  if (view.reconciles_requested.length > 0) {
    lines.push(`waiting jobs asked to run in: ${view.reconciles_requested.join(', ')}`);
  }
  if (view.reconcile_error !== null) {
    lines.push(
      `could not ask for waiting jobs to run (${view.reconcile_error}); the next sweep of ` +
        'the control plane serves them',
    );
  }
  return lines.join('\n');
}

function section(title: string, body: string): string {
  return `${title}\n${body}`;
}

function overrides(caps: Readonly<Record<string, number>>): string | null {
  const entries = Object.entries(caps);
  return entries.length === 0 ? null : entries.map(([tier, cap]) => `${tier}=${cap}`).join(' ');
}
