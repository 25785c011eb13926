import type { Job } from '../core/job.js';
import type { Runner } from '../core/runner.js';
import { ACTIVE_RUNNER_STATES } from '../core/runner.js';
import type { Tenant, TenantStatus } from '../core/tenant.js';
import { findTier } from '../core/tier.js';
import type { OperatorContext } from './operator-context.js';
import { requireTenant } from './operator-context.js';
import type { RawInput } from './operator-input.js';
import type { DecisionView, TenantView } from './operator-views.js';
import { decisionView, secondsSince, tenantView } from './operator-views.js';

const TENANT_STATUSES: readonly TenantStatus[] = ['active', 'suspended', 'deleted'];

/** Decisions `tenants show` lists, newest first. */
export const RECENT_DECISIONS = 20;

/** One tenant in `tenants list`: its record, and how much of its limit it holds now. */
export interface TenantSummaryView extends TenantView {
  /** Runners not done, across tiers: the slots the tenant holds. */
  readonly runners_held: number;
  readonly queued_jobs: number;
  /** True when the tenant holds all of its `max_runners`. */
  readonly at_limit: boolean;
}

export interface TenantListView {
  readonly tenants: readonly TenantSummaryView[];
}

/** One tier of a tenant: its runners by state, against the cap that applies to the tenant. */
export interface TierRunnersView {
  readonly tier: string;
  readonly launching: number;
  readonly idle: number;
  readonly busy: number;
  readonly held: number;
  /** The tenant's cap in this tier; null when the tier is not configured here. */
  readonly cap: number | null;
  /** `tenant` for a per-tenant override, `tier` for the tier's own `max_runners`. */
  readonly cap_from: 'tenant' | 'tier' | null;
  readonly queued_jobs: number;
}

export interface QueuedJobView {
  readonly id: number;
  readonly tier: string;
  readonly repository: string;
  readonly run_id: number;
  readonly queued_at: string;
  readonly waiting_seconds: number;
}

export interface TenantDetailView {
  readonly tenant: TenantView;
  readonly runners: {
    readonly held: number;
    readonly limit: number;
    readonly at_limit: boolean;
    readonly by_tier: readonly TierRunnersView[];
  };
  readonly queued_jobs: readonly QueuedJobView[];
  /** Newest first; empty where the backend keeps no decisions. */
  readonly decisions: readonly DecisionView[];
}

/** Every tenant (of one status, when asked), in installation id order. */
export async function listTenants(
  context: OperatorContext,
  request: { readonly status?: RawInput },
): Promise<TenantListView> {
  const status = context.input.choice('status', request.status, TENANT_STATUSES);

  const tenants = await context.backend.tenants.list(status === undefined ? {} : { status });
  const held = await context.backend.ledger.listRunners({ states: ACTIVE_RUNNER_STATES });
  const queued = await context.backend.ledger.listJobs({ status: 'queued' });

  return {
    tenants: tenants.map((tenant) => {
      const runners = held.filter((r) => r.installationId === tenant.installationId).length;
      return {
        ...tenantView(tenant),
        runners_held: runners,
        queued_jobs: queued.filter((j) => j.installationId === tenant.installationId).length,
        at_limit: runners >= tenant.maxRunners,
      };
    }),
  };
}

/** One tenant: its record, its runners per tier against the limits, its queue, its decisions. */
export async function showTenant(
  context: OperatorContext,
  request: { readonly installationId: RawInput },
): Promise<TenantDetailView> {
  const installationId = context.input.id('installationId', request.installationId) as number;
  const tenant = await requireTenant(context, installationId);

  const { ledger, decisions, clock } = context.backend;
  const held = await ledger.listRunners({ installationId, states: ACTIVE_RUNNER_STATES });
  const queued = await ledger.listJobs({ installationId, status: 'queued' });
  const recent = decisions ? await decisions.listRecent(installationId, RECENT_DECISIONS) : [];
  const now = clock.now();

  return {
    tenant: tenantView(tenant),
    runners: {
      held: held.length,
      limit: tenant.maxRunners,
      at_limit: held.length >= tenant.maxRunners,
      by_tier: tierRows(context, tenant, held, queued),
    },
    queued_jobs: queued.map((job) => ({
      id: job.id,
      tier: job.tier,
      repository: job.repository,
      run_id: job.runId,
      queued_at: job.createdAt,
      waiting_seconds: secondsSince(job.createdAt, now),
    })),
    decisions: recent.map(decisionView),
  };
}

/** The configured tiers in their order, then any other tier the tenant has runners or jobs in. */
function tierRows(
  context: OperatorContext,
  tenant: Tenant,
  held: readonly Runner[],
  queued: readonly Job[],
): TierRunnersView[] {
  const catalog = context.backend.catalog;
  const configured = catalog?.tiers.map((tier) => tier.name) ?? [];
  const seen = [
    ...held.map((r) => r.tier),
    ...queued.map((j) => j.tier),
    ...Object.keys(tenant.tierOverrides),
  ];
  const others = [...new Set(seen)].filter((name) => !configured.includes(name)).sort();

  return [...configured, ...others].map((name) => {
    const own = held.filter((r) => r.tier === name);
    const override = tenant.tierOverrides[name];
    const tier = catalog && findTier(catalog, name);
    return {
      tier: name,
      launching: own.filter((r) => r.state === 'launching').length,
      idle: own.filter((r) => r.state === 'idle').length,
      busy: own.filter((r) => r.state === 'busy').length,
      held: own.length,
      cap: override ?? tier?.maxRunners ?? null,
      cap_from: override !== undefined ? 'tenant' : tier !== undefined ? 'tier' : null,
      queued_jobs: queued.filter((j) => j.tier === name).length,
    };
  });
}
