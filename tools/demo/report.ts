import type { Runner } from '../../src/core/runner.js';
import type { Tenant } from '../../src/core/tenant.js';
import type { TenantUsage } from '../../src/core/usage.js';
import type { SimJob } from '../github-sim/index.js';

export interface DemoTenant {
  readonly id: number;
  readonly login: string;
  readonly type: 'Organization' | 'User';
  readonly repo: string;
}

export interface ReportInput {
  readonly tenants: readonly DemoTenant[];
  readonly records: readonly (Tenant | undefined)[];
  readonly usage: readonly TenantUsage[];
  readonly simJobs: readonly SimJob[];
  readonly runners: readonly Runner[];
  /** The tenant that uninstalled mid-run: its jobs are not expected to finish. */
  readonly leaver: number;
}

const TIERS = ['small', 'medium', 'large'];

/** The table printed at the end of the demo, and every broken promise found on the way. */
export function renderReport(input: ReportInput): { text: string; problems: string[] } {
  const problems: string[] = [];
  const header = ['tenant', 'type', 'status', 'jobs', 'peak/limit', ...TIERS.map((t) => `${t} s`)];
  const rows = input.tenants.map((tenant, i) => {
    const record = input.records[i];
    const usage = input.usage.find((u) => u.installationId === tenant.id);
    const ours = input.simJobs.filter(
      (j) => j.installationId === tenant.id && !j.labels.includes('ubuntu-latest'),
    );
    const completed = ours.filter((j) => j.status === 'completed').length;
    const limit = record?.maxRunners ?? 0;
    const peak = usage?.peakRunners ?? 0;

    if (record === undefined) problems.push(`${tenant.login} has no tenant record`);
    if (peak > limit)
      problems.push(`${tenant.login} peaked at ${peak} runners over its limit ${limit}`);
    if (tenant.id !== input.leaver && completed !== ours.length) {
      problems.push(`${tenant.login} completed ${completed} of ${ours.length} jobs`);
    }
    if (tenant.id === input.leaver) {
      const active = input.runners.filter(
        (r) => r.installationId === tenant.id && r.state !== 'done',
      );
      if (record?.status !== 'deleted')
        problems.push(`${tenant.login} is ${record?.status}, not deleted`);
      if (active.length > 0) problems.push(`${tenant.login} still has ${active.length} runners`);
    }

    return [
      tenant.login,
      tenant.type,
      record?.status ?? '-',
      `${completed}/${ours.length}`,
      `${peak}/${limit}`,
      ...TIERS.map((t) => (usage?.byTier[t]?.runnerSeconds ?? 0).toFixed(1)),
    ];
  });

  const hosted = input.simJobs.filter((j) => j.labels.includes('ubuntu-latest'));
  if (hosted.some((j) => j.status !== 'queued')) problems.push('a GitHub-hosted job was run by us');

  return {
    text: `\n${table([header, ...rows])}\n(runner-seconds per tier, from launch to done)`,
    problems,
  };
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (c < 3 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ');
  return [
    line(rows[0] ?? []),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}
