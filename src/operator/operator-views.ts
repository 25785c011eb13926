import type { RecordedDecision } from '../core/decision.js';
import type { Job } from '../core/job.js';
import type { Runner } from '../core/runner.js';
import type { Tenant } from '../core/tenant.js';

/**
 * The records as the operator commands print them in JSON and the admin API returns them:
 * snake_case keys in a fixed order, `null` for what is not known, so the shape never varies
 * between records or backends. `docs/cli.md` documents each one.
 */
export interface TenantView {
  readonly installation_id: number;
  readonly account_login: string;
  readonly account_type: string;
  readonly status: string;
  readonly tier: string;
  readonly max_runners: number;
  /** Per-tier caps of this tenant, by tier name in name order. */
  readonly tier_overrides: Readonly<Record<string, number>>;
  readonly runner_group: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface RunnerView {
  readonly name: string;
  readonly installation_id: number;
  readonly tier: string;
  readonly tenant_tier: string;
  readonly repository: string | null;
  readonly state: string;
  readonly machine: string | null;
  readonly compute_id: string | null;
  readonly github_runner_id: number | null;
  readonly job_id: number | null;
  readonly launched_at: string;
  readonly registered_at: string | null;
  readonly started_at: string | null;
  readonly done_at: string | null;
  readonly done_reason: string | null;
}

export interface JobView {
  readonly id: number;
  readonly installation_id: number;
  readonly tier: string;
  readonly repository: string;
  readonly run_id: number;
  readonly status: string;
  readonly labels: readonly string[];
  readonly runner_name: string | null;
  readonly conclusion: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly completed_at: string | null;
}

export interface DecisionView {
  readonly at: string;
  readonly last_at: string;
  readonly repeats: number;
  readonly tier: string | null;
  readonly reason: string;
  readonly launched: number;
  readonly job_id: number | null;
  readonly detail: string | null;
}

export function tenantView(tenant: Tenant): TenantView {
  return {
    installation_id: tenant.installationId,
    account_login: tenant.accountLogin,
    account_type: tenant.accountType,
    status: tenant.status,
    tier: tenant.tier,
    max_runners: tenant.maxRunners,
    tier_overrides: Object.fromEntries(
      Object.entries(tenant.tierOverrides).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    runner_group: tenant.runnerGroup ?? null,
    created_at: tenant.createdAt,
    updated_at: tenant.updatedAt,
  };
}

export function runnerView(runner: Runner): RunnerView {
  return {
    name: runner.name,
    installation_id: runner.installationId,
    tier: runner.tier,
    tenant_tier: runner.tenantTier,
    repository: runner.repository ?? null,
    state: runner.state,
    machine: runner.machine ?? null,
    compute_id: runner.computeId ?? null,
    github_runner_id: runner.githubRunnerId ?? null,
    job_id: runner.jobId ?? null,
    launched_at: runner.launchedAt,
    registered_at: runner.registeredAt ?? null,
    started_at: runner.startedAt ?? null,
    done_at: runner.doneAt ?? null,
    done_reason: runner.doneReason ?? null,
  };
}

export function jobView(job: Job): JobView {
  return {
    id: job.id,
    installation_id: job.installationId,
    tier: job.tier,
    repository: job.repository,
    run_id: job.runId,
    status: job.status,
    labels: [...job.labels],
    runner_name: job.runnerName ?? null,
    conclusion: job.conclusion ?? null,
    created_at: job.createdAt,
    started_at: job.startedAt ?? null,
    completed_at: job.completedAt ?? null,
  };
}

export function decisionView(decision: RecordedDecision): DecisionView {
  return {
    at: decision.at,
    last_at: decision.lastAt,
    repeats: decision.repeats,
    tier: decision.tier ?? null,
    reason: decision.reason,
    launched: decision.launched,
    job_id: decision.jobId ?? null,
    detail: decision.detail ?? null,
  };
}

/** Whole seconds from `from` to `now`, never negative. */
export function secondsSince(from: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
}
