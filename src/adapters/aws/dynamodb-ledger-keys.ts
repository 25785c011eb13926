import type { JobStatus } from '../../core/job.js';
import type { RunnerState } from '../../core/runner.js';
import type { Item } from './dynamodb-attributes.js';
import { text } from './dynamodb-attributes.js';

/**
 * Where each kind of ledger item lives in `<prefix>-ledger` (keys `pk`, `sk`):
 *
 * - a job:     `JOB#<id>` / `JOB`
 * - a runner:  `RUNNER#<name>` / `RUNNER`
 * - a tenant's slot counters:        `TENANT#<installation id>` / `SLOTS`
 * - a tenant's counters for one tier in one repository (User accounts' scope):
 *                                    `TENANT#<installation id>` / `SCOPE#<tier>#<owner/name>`
 *
 * Jobs and runners also carry the keys of two indexes: `by_tenant` (`tenant_key`,
 * `tenant_order`) and `by_state` (`state_key`, `state_order`); see `jobIndexKeys`.
 */
export function jobKey(id: number): Item {
  return { pk: text(`JOB#${id}`), sk: text('JOB') };
}

export function runnerKey(name: string): Item {
  return { pk: text(`RUNNER#${name}`), sk: text('RUNNER') };
}

export function slotsKey(installationId: number): Item {
  return { pk: text(`TENANT#${installationId}`), sk: text('SLOTS') };
}

export function repositoryScopeKey(installationId: number, tier: string, repository: string): Item {
  return { pk: text(`TENANT#${installationId}`), sk: text(`SCOPE#${tier}#${repository}`) };
}

/** Job ids padded so that index order is numeric order. */
export function jobOrder(id: number): string {
  return String(id).padStart(16, '0');
}

export function jobsOfTenant(installationId: number): string {
  return `JOBS#${installationId}`;
}

export function jobsInStatus(status: JobStatus): string {
  return `JOBS#${status}`;
}

export function runnersOfTenant(installationId: number): string {
  return `RUNNERS#${installationId}`;
}

export function runnersInState(state: RunnerState): string {
  return `RUNNERS#${state}`;
}

/**
 * `by_tenant` orders a tenant's jobs by status, tier, repository and id, so "queued jobs of
 * tenant 7 in tier small" is one key prefix; `by_state` holds every job of one status.
 */
export function jobIndexKeys(job: {
  readonly id: number;
  readonly installationId: number;
  readonly tier: string;
  readonly repository: string;
  readonly status: JobStatus;
}): Item {
  return {
    tenant_key: text(jobsOfTenant(job.installationId)),
    tenant_order: text(`${job.status}#${job.tier}#${job.repository}#${jobOrder(job.id)}`),
    state_key: text(jobsInStatus(job.status)),
    state_order: text(jobOrder(job.id)),
  };
}

/** As for jobs: a tenant's runners by state, tier and launch time; all runners by state. */
export function runnerIndexKeys(runner: {
  readonly name: string;
  readonly installationId: number;
  readonly tier: string;
  readonly state: RunnerState;
  readonly launchedAt: string;
}): Item {
  return {
    tenant_key: text(runnersOfTenant(runner.installationId)),
    tenant_order: text(`${runner.state}#${runner.tier}#${runner.launchedAt}#${runner.name}`),
    state_key: text(runnersInState(runner.state)),
    state_order: text(`${runner.launchedAt}#${runner.name}`),
  };
}
