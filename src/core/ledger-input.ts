import type { Rule } from './input-rules.js';
import {
  checkFields,
  isoTimeText,
  nonEmptyText,
  oneOf,
  optional,
  refuseProblems,
  repositoryName,
  textList,
  wholeNumberAtLeast,
} from './input-rules.js';
import type { JobObservation } from './job.js';
import type { SlotRequest } from './ports/ledger.js';
import type { RunnerPatch } from './runner.js';

const JOB_STATUSES = ['waiting', 'queued', 'in_progress', 'completed'];
const RUNNER_STATES = ['launching', 'idle', 'busy', 'done'];

const id = wholeNumberAtLeast(1);

const OBSERVATION_RULES: Readonly<Record<keyof JobObservation, Rule>> = {
  id,
  installationId: id,
  tier: nonEmptyText,
  repository: repositoryName,
  runId: wholeNumberAtLeast(0),
  labels: textList,
  status: oneOf(JOB_STATUSES),
  runnerName: optional(nonEmptyText),
  conclusion: optional(nonEmptyText),
  at: isoTimeText,
};

const PATCH_RULES: Readonly<Record<keyof RunnerPatch, Rule>> = {
  state: optional(oneOf(RUNNER_STATES)),
  githubRunnerId: optional(id),
  computeId: optional(nonEmptyText),
  machine: optional(nonEmptyText),
  jobId: optional(id),
  doneReason: optional(nonEmptyText),
  at: isoTimeText,
};

const limits: Rule = (key, value) => {
  const caps = (value ?? {}) as Record<string, unknown>;
  const cap = wholeNumberAtLeast(0);
  return cap(`${key}.tenantMax`, caps['tenantMax']) ?? cap(`${key}.tierMax`, caps['tierMax']);
};

const SLOT_RULES: Readonly<Record<keyof SlotRequest, Rule>> = {
  installationId: id,
  tier: nonEmptyText,
  tenantTier: nonEmptyText,
  repository: optional(repositoryName),
  runnerName: nonEmptyText,
  limits,
  at: isoTimeText,
  tenant: (key, value) =>
    value === undefined || (typeof value === 'object' && value !== null)
      ? undefined
      : { key, value, message: 'must be a tenant record when given' },
};

/** Throws `invalid_input` naming each bad field of a job observation. */
export function checkJobObservation(observation: JobObservation): void {
  refuseProblems(
    `recording job ${String(observation.id)}`,
    checkFields(observation, OBSERVATION_RULES),
  );
}

/** Throws `invalid_input` naming each bad field of a runner patch. */
export function checkRunnerPatch(name: string, patch: RunnerPatch): void {
  refuseProblems(`updating runner ${name}`, checkFields(patch, PATCH_RULES));
}

/** Throws `invalid_input` naming each bad field of a slot request. */
export function checkSlotRequest(request: SlotRequest): void {
  const problems = checkFields(request, SLOT_RULES);
  const seen = request.tenant?.installationId;
  if (seen !== undefined && seen !== request.installationId) {
    problems.push({
      key: 'tenant.installationId',
      value: seen,
      message: `must be the request's installationId ${String(request.installationId)}`,
    });
  }
  refuseProblems(`taking a slot for runner ${String(request.runnerName)}`, problems);
}
