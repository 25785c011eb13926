import type { JobListView, QueuesView, RunnerListView } from './ledger-listings.js';
import { listJobs, listQueues, listRunners } from './ledger-listings.js';
import type { OperatorBackend } from './operator-backend.js';
import type { FieldNames, RawInput } from './operator-input.js';
import { InputReader } from './operator-input.js';
import type { TenantChangeView } from './tenant-changes.js';
import { setLimit, setStatus, setTier } from './tenant-changes.js';
import type { TenantDetailView, TenantListView } from './tenant-overview.js';
import { listTenants, showTenant } from './tenant-overview.js';
import type { UsageReportView } from './usage-report.js';
import { usageReport } from './usage-report.js';

/**
 * What an operator can ask and change, shared by the `ghr` commands and the admin API. Inputs
 * arrive raw (command-line text, query strings, JSON values) and are checked here, all before
 * anything is read or written: bad input is a PlatformError `invalid_input` naming the input
 * as the caller spells it, an unknown tenant a `not_found`. Answers are the JSON views.
 */
export interface OperatorService {
  listTenants(request: { status?: RawInput }): Promise<TenantListView>;
  showTenant(request: { installationId: RawInput }): Promise<TenantDetailView>;
  setTier(request: {
    installationId: RawInput;
    tier: RawInput;
    maxRunners?: RawInput;
  }): Promise<TenantChangeView>;
  setLimit(request: {
    installationId: RawInput;
    limit: RawInput;
    tier?: RawInput;
  }): Promise<TenantChangeView>;
  suspend(request: { installationId: RawInput }): Promise<TenantChangeView>;
  resume(request: { installationId: RawInput }): Promise<TenantChangeView>;
  listRunners(request: {
    tenant?: RawInput;
    tier?: RawInput;
    state?: RawInput;
  }): Promise<RunnerListView>;
  listJobs(request: { tenant?: RawInput; status?: RawInput }): Promise<JobListView>;
  queues(): Promise<QueuesView>;
  usage(request: {
    tenant?: RawInput;
    since?: RawInput;
    until?: RawInput;
    by?: RawInput;
    chargeIdle?: RawInput;
  }): Promise<UsageReportView>;
}

export function createOperatorService(
  backend: OperatorBackend,
  names: FieldNames,
): OperatorService {
  const context = { backend, input: new InputReader(names) };

  return {
    listTenants: (request) => listTenants(context, request),
    showTenant: (request) => showTenant(context, request),
    setTier: (request) => setTier(context, request),
    setLimit: (request) => setLimit(context, request),
    suspend: (request) => setStatus(context, request, 'suspended'),
    resume: (request) => setStatus(context, request, 'active'),
    listRunners: (request) => listRunners(context, request),
    listJobs: (request) => listJobs(context, request),
    queues: () => listQueues(context),
    usage: (request) => usageReport(context, request),
  };
}
