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
import type { WorkItem } from './ports/work-queue.js';

const FIELD_RULES: Readonly<Record<WorkItem['kind'], Readonly<Record<string, Rule>>>> = {
  job_event: {
    deliveryId: nonEmptyText,
    installationId: wholeNumberAtLeast(1),
    tier: optional(nonEmptyText),
    jobId: wholeNumberAtLeast(1),
    runId: wholeNumberAtLeast(0),
    repository: repositoryName,
    labels: textList,
    status: oneOf(['waiting', 'queued', 'in_progress', 'completed']),
    runnerName: optional(nonEmptyText),
    runnerId: optional(wholeNumberAtLeast(1)),
    conclusion: optional(nonEmptyText),
    at: isoTimeText,
  },
  reconcile: { installationId: wholeNumberAtLeast(1), tier: nonEmptyText },
  runner_finished: { runnerName: nonEmptyText, tier: nonEmptyText, reason: nonEmptyText },
  tenant_removed: { installationId: wholeNumberAtLeast(1) },
};

/**
 * Returns `value` as a work item, or throws `invalid_input` naming what is wrong; `attempt`
 * says what was being done. Queues run it on enqueue and again on what they read back, since
 * a stored row may have been edited.
 */
export function checkWorkItem(value: unknown, attempt = 'reading a work item'): WorkItem {
  if (typeof value !== 'object' || value === null) {
    refuseProblems(attempt, [{ key: 'item', value, message: 'must be an object' }]);
  }

  const item = value as Record<string, unknown>;
  const kind = item['kind'];
  const rules =
    typeof kind === 'string' && Object.hasOwn(FIELD_RULES, kind)
      ? FIELD_RULES[kind as WorkItem['kind']]
      : undefined;
  if (rules === undefined) {
    refuseProblems(attempt, [
      {
        key: 'kind',
        value: kind,
        message: `must be one of ${Object.keys(FIELD_RULES).join(', ')}`,
      },
    ]);
  }

  refuseProblems(`${attempt} (${String(kind)})`, checkFields(item, rules ?? {}));
  return value as WorkItem;
}
