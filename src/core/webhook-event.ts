import { PlatformError } from './errors.js';
import type { JobStatus } from './job.js';
import type { AccountType } from './tenant.js';
import { isAccountType } from './tenant.js';

/** What the core needs from an `installation` or `installation_repositories` delivery. */
export interface InstallationEvent {
  readonly kind: 'installation';
  readonly event: 'installation' | 'installation_repositories';
  readonly action: string;
  readonly installationId: number;
  readonly accountLogin: string;
  readonly accountType: AccountType;
}

/** What the core needs from a `workflow_job` delivery. */
export interface WorkflowJobEvent {
  readonly kind: 'workflow_job';
  readonly action: JobStatus;
  readonly installationId: number;
  readonly jobId: number;
  readonly runId: number;
  /** `owner/name`. */
  readonly repository: string;
  readonly labels: readonly string[];
  readonly runnerName: string | undefined;
  /** GitHub's id of the runner that took the job, once one has. */
  readonly runnerId: number | undefined;
  readonly conclusion: string | undefined;
}

/**
 * A `workflow_job` for runners that are not ours: beyond its labels, only the installation id
 * is read, and leniently, so the decision log can say which tenant asked for what.
 */
export interface ForeignJobEvent {
  readonly kind: 'foreign_job';
  readonly action: JobStatus;
  readonly labels: readonly string[];
  /** Undefined when the payload carries none (GitHub's published examples, for one). */
  readonly installationId: number | undefined;
}

export interface OtherEvent {
  readonly kind: 'other';
  readonly event: string;
  readonly action: string | undefined;
}

export type DomainEvent = InstallationEvent | WorkflowJobEvent | ForeignJobEvent | OtherEvent;

/** Says from a job's labels and runner name whether the job concerns our runners. */
export type JobRelevance = (labels: readonly string[], runnerName: string | undefined) => boolean;

const JOB_ACTIONS: readonly string[] = ['queued', 'waiting', 'in_progress', 'completed'];

/**
 * Reads the few fields the core acts on from a webhook payload. Anything malformed is an
 * `invalid_input` error naming the field and the value, so the sender learns what was wrong.
 */
export function parseWebhookEvent(
  event: string,
  payload: unknown,
  isOurs: JobRelevance,
): DomainEvent {
  const body = asRecord(payload, 'payload');
  const action = typeof body['action'] === 'string' ? body['action'] : undefined;

  if (event === 'installation' || event === 'installation_repositories') {
    return parseInstallation(event, action, body);
  }
  if (event === 'workflow_job' && action !== undefined && JOB_ACTIONS.includes(action)) {
    return parseWorkflowJob(action as JobStatus, body, isOurs);
  }
  return { kind: 'other', event, action };
}

function parseInstallation(
  event: InstallationEvent['event'],
  action: string | undefined,
  body: Record<string, unknown>,
): InstallationEvent {
  const installation = asRecord(body['installation'], 'installation');
  const account = asRecord(installation['account'], 'installation.account');
  const accountType = account['type'];
  if (!isAccountType(accountType)) {
    throw invalid('installation.account.type', accountType, 'must be "Organization" or "User"');
  }

  return {
    kind: 'installation',
    event,
    action: requireString(action, 'action'),
    installationId: requireId(installation['id'], 'installation.id'),
    accountLogin: requireString(account['login'], 'installation.account.login'),
    accountType,
  };
}

function parseWorkflowJob(
  action: JobStatus,
  body: Record<string, unknown>,
  isOurs: JobRelevance,
): WorkflowJobEvent | ForeignJobEvent {
  const job = asRecord(body['workflow_job'], 'workflow_job');
  const labels = job['labels'];
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) {
    throw invalid('workflow_job.labels', labels, 'must be a list of strings');
  }
  // Most workflow_job traffic of an org-wide installation is for other runners: decide that
  // from the labels alone, before reading anything else.
  if (!isOurs(labels as string[], optionalString(job['runner_name']))) {
    return {
      kind: 'foreign_job',
      action,
      labels: labels as string[],
      installationId: optionalId(body['installation']),
    };
  }

  const installation = asRecord(body['installation'], 'installation');
  const repository = asRecord(body['repository'], 'repository');

  return {
    kind: 'workflow_job',
    action,
    installationId: requireId(installation['id'], 'installation.id'),
    jobId: requireId(job['id'], 'workflow_job.id'),
    runId: requireId(job['run_id'], 'workflow_job.run_id'),
    repository: requireString(repository['full_name'], 'repository.full_name'),
    labels: labels as string[],
    runnerName: optionalString(job['runner_name']),
    runnerId: optionalPositive(job['runner_id']),
    conclusion: optionalString(job['conclusion']),
  };
}

function asRecord(value: unknown, key: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(key, value, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function requireId(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(key, value, 'must be a positive integer');
  }
  return value;
}

function requireString(value: unknown, key: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(key, value, 'must be a non-empty string');
  }
  return value;
}

/** The `id` of an object that may be absent or malformed, as undefined rather than an error. */
function optionalId(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;

  return optionalPositive((value as Record<string, unknown>)['id']);
}

function optionalPositive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function invalid(key: string, value: unknown, rule: string): PlatformError {
  const seen = value === undefined ? 'nothing' : JSON.stringify(value)?.slice(0, 100);
  return new PlatformError('invalid_input', `webhook field ${key} ${rule} (got ${seen})`, {
    details: { field: key },
  });
}
