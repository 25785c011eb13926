import { BILLING_RULE } from '../core/pricing.js';
import type { UsageFigures, UsageGrouping } from '../core/usage.js';
import { summariseUsage } from '../core/usage.js';
import type { OperatorContext } from './operator-context.js';
import { nowIso, tenantFilter } from './operator-context.js';
import type { RawInput } from './operator-input.js';

const GROUPINGS: readonly UsageGrouping[] = ['tier', 'day'];

/** How runners are given to periods, as the report states it. */
export const ATTRIBUTION =
  'a runner counts whole in the UTC day and the period in which it launched; ' +
  'runners still active count up to the time of the report';

export interface UsageFiguresView {
  readonly runners: number;
  readonly jobs: number;
  readonly runner_seconds: number;
  readonly job_seconds: number;
  readonly peak_runners: number;
  /** Null without a price table, or when a runner of the line has no price. */
  readonly cost: number | null;
}

export interface UsageLineView extends UsageFiguresView {
  /** The tier, or the day (`YYYY-MM-DD`). */
  readonly key: string;
  /** `jobs`: runners that served a job; `idle`: runners that never got one. */
  readonly kind: string;
  readonly charged: boolean;
}

export interface TenantUsageView {
  readonly installation_id: number;
  /** Null for a tenant with usage but no record. */
  readonly account_login: string | null;
  readonly status: string | null;
  readonly lines: readonly UsageLineView[];
  readonly total: UsageFiguresView;
  readonly open_runners: number;
  readonly unpriced: readonly string[];
}

export interface UsageReportView {
  readonly since: string | null;
  readonly until: string;
  readonly by: UsageGrouping;
  readonly attribution: string;
  readonly currency: string | null;
  /** The rounding of costs; null without a price table. */
  readonly billing: string | null;
  readonly charge_idle: boolean;
  readonly tenants: readonly TenantUsageView[];
}

/** Usage per tenant from the ledger, deleted tenants included, with estimated costs. */
export async function usageReport(
  context: OperatorContext,
  request: {
    readonly tenant?: RawInput;
    readonly since?: RawInput;
    readonly until?: RawInput;
    readonly by?: RawInput;
    readonly chargeIdle?: RawInput;
  },
): Promise<UsageReportView> {
  const { input, backend } = context;
  const since = input.time('since', request.since);
  const until = input.time('until', request.until) ?? nowIso(context);
  if (since !== undefined && Date.parse(since) >= Date.parse(until)) {
    throw input.refuse('until', request.until ?? until, `must be after the start ${since}`);
  }
  const by = input.choice('by', request.by, GROUPINGS) ?? 'tier';
  const chargeIdle = input.flag('chargeIdle', request.chargeIdle) ?? false;
  const installationId = await tenantFilter(context, 'tenant', request.tenant);
  const only = installationId === undefined ? {} : { installationId };

  backend.progress('reading runners');
  const runners = await backend.ledger.listRunners(only);
  backend.progress(`read ${runners.length} runners; reading jobs`);
  const jobs = await backend.ledger.listJobs(only);
  backend.progress(`read ${jobs.length} jobs; summarising`);
  const tenants = new Map((await backend.tenants.list()).map((t) => [t.installationId, t]));

  const usage = summariseUsage(runners, jobs, nowIso(context), {
    ...(since === undefined ? {} : { since }),
    until,
    by,
    chargeIdle,
    ...(backend.pricing === undefined ? {} : { pricing: backend.pricing }),
  });

  return {
    since: since ?? null,
    until,
    by,
    attribution: ATTRIBUTION,
    currency: backend.pricing?.currency ?? null,
    billing: backend.pricing === undefined ? null : BILLING_RULE,
    charge_idle: chargeIdle,
    tenants: usage.map((entry) => {
      const tenant = tenants.get(entry.installationId);
      return {
        installation_id: entry.installationId,
        account_login: tenant?.accountLogin ?? null,
        status: tenant?.status ?? null,
        lines: entry.lines.map((line) => ({
          key: line.key,
          kind: line.kind,
          charged: line.charged,
          ...figuresView(line),
        })),
        total: figuresView(entry.total),
        open_runners: entry.openRunners,
        unpriced: entry.unpriced,
      };
    }),
  };
}

function figuresView(figures: UsageFigures): UsageFiguresView {
  return {
    runners: figures.runners,
    jobs: figures.jobs,
    runner_seconds: figures.runnerSeconds,
    job_seconds: figures.jobSeconds,
    peak_runners: figures.peakRunners,
    cost: figures.cost ?? null,
  };
}
