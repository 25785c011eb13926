import type { UsageFiguresView, UsageReportView } from '../operator/usage-report.js';
import { text } from './command-line.js';
import type { OperatorCommand } from './operator-command.js';
import type { Cell } from './output-format.js';
import { renderCsv, renderTable, shortTime, showSeconds, wrapText } from './output-format.js';

const CSV_KEYS = [
  'installation_id',
  'account_login',
  'status',
  'key',
  'kind',
  'charged',
  'runners',
  'jobs',
  'runner_seconds',
  'job_seconds',
  'peak_runners',
  'cost',
  'currency',
] as const;

export const USAGE: OperatorCommand = {
  name: 'usage',
  help: `Usage: ghr usage [--tenant ID] [--since DATE] [--until DATE] [--by tier|day]
                 [--charge-idle] [--output table|json|csv]

Usage per tenant from the ledger, deleted tenants included: jobs run, runner-seconds (launch
to done: what you pay for), job-seconds (job start to completion: what the customer sees),
peak concurrency, and a cost estimate from the configuration's pricing.

A runner counts whole in the UTC day and period it launched in. DATE is YYYY-MM-DD (the start
of that day, UTC) or an ISO 8601 time with its zone; --since is inclusive, --until exclusive
and defaults to now. Runners that never got a job are on lines of their own ("idle") and not
charged unless --charge-idle.
`,
  options: {
    tenant: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    by: { type: 'string' },
    'charge-idle': { type: 'boolean' },
  },
  formats: ['table', 'json', 'csv'],
  run: async (service, line) => {
    const view = await service.usage({
      tenant: text(line, 'tenant'),
      since: text(line, 'since'),
      until: text(line, 'until'),
      by: text(line, 'by'),
      chargeIdle: line.values['charge-idle'] === true ? true : undefined,
    });
    return { view, table: () => usageTable(view), csv: () => usageCsv(view) };
  },
};

function usageTable(view: UsageReportView): string {
  const rows: Cell[][] = [];
  for (const tenant of view.tenants) {
    const who = [tenant.installation_id, tenant.account_login, tenant.status];
    for (const line of tenant.lines) {
      rows.push([...who, line.key, line.kind, ...figures(line)]);
    }
    rows.push([...who, 'total', 'charged', ...figures(tenant.total)]);
  }

  const table =
    rows.length === 0
      ? '(no usage in this period)'
      : renderTable(
          [
            { header: 'tenant', align: 'right' },
            { header: 'account', shrink: true },
            { header: 'status' },
            { header: view.by },
            { header: 'kind' },
            { header: 'runners', align: 'right' },
            { header: 'jobs', align: 'right' },
            { header: 'runner s', align: 'right' },
            { header: 'job s', align: 'right' },
            { header: 'peak', align: 'right' },
            { header: `cost ${view.currency ?? ''}`.trim(), align: 'right' },
          ],
          rows,
        );
  return [table, '', ...notes(view).map((note) => wrapText(note))].join('\n');
}

function figures(f: UsageFiguresView): Cell[] {
  return [
    f.runners,
    f.jobs,
    showSeconds(f.runner_seconds),
    showSeconds(f.job_seconds),
    f.peak_runners,
    f.cost === null ? null : f.cost.toFixed(4),
  ];
}

function notes(view: UsageReportView): string[] {
  const since = view.since === null ? 'the first runner' : shortTime(view.since);
  const lines = [
    `period: runners launched from ${since} to ${shortTime(view.until)}; ${view.attribution}`,
    view.charge_idle
      ? 'idle runners (no job) are charged to their tenant (--charge-idle)'
      : 'idle runners (no job) are shown but not charged; --charge-idle charges them',
    view.billing === null
      ? 'cost: no pricing in the configuration'
      : `cost in ${view.currency}: ${view.billing}`,
  ];

  const unpriced = [...new Set(view.tenants.flatMap((t) => t.unpriced))].sort();
  if (unpriced.length > 0) lines.push(`no price for: ${unpriced.join(', ')}`);
  const open = view.tenants.filter((t) => t.open_runners > 0);
  if (open.length > 0) {
    const who = open.map((t) => `${t.installation_id} (${t.open_runners})`).join(', ');
    lines.push(`still running, so still growing: ${who}`);
  }
  return lines;
}

function usageCsv(view: UsageReportView): string {
  const rows = view.tenants.flatMap((tenant) => {
    const who = [tenant.installation_id, tenant.account_login, tenant.status];
    const row = (key: string, kind: string, charged: boolean | null, f: UsageFiguresView) => [
      ...who,
      key,
      kind,
      charged,
      f.runners,
      f.jobs,
      f.runner_seconds,
      f.job_seconds,
      f.peak_runners,
      f.cost,
      view.currency,
    ];
    return [
      ...tenant.lines.map((line) => row(line.key, line.kind, line.charged, line)),
      row('total', 'total', null, tenant.total),
    ];
  });
  return renderCsv(CSV_KEYS, rows);
}
