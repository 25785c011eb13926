import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

import { PlatformError } from '../../core/errors.js';
import type { WorkItem } from '../../core/ports/work-queue.js';
import { checkWorkItem } from '../../core/work-item.js';

/** The queue of one tier: `<prefix>-<tier>-builds`, as the operator's commands name it. */
export function tierQueueName(prefix: string, tier: string): string {
  return `${prefix}-${tier}-builds`;
}

/** The queue of tenant lifecycle work, consumed by the tenant-manager function. */
export function tenantEventsQueueName(prefix: string): string {
  return `${prefix}-tenant-events`;
}

/** SQS refuses queue names longer than this. */
export const MAX_QUEUE_NAME_LENGTH = 80;

/** What one work item becomes on SQS. */
export interface WorkMessage {
  /** The item as JSON: everything the handler needs, nothing it must look up first. */
  readonly body: string;
  /** `kind`, and `tenant_id`, `tier`, `job_id` or `runner_name` when the item names them. */
  readonly attributes: Record<string, MessageAttributeValue>;
  /**
   * The tenant, as the message group of a fair standard queue, so one busy tenant does not
   * hold back the others' messages. Undefined when the item does not name its tenant.
   */
  readonly groupId: string | undefined;
}

/** Encodes a checked work item as a message body and its attributes. */
export function encodeWorkMessage(item: WorkItem): WorkMessage {
  const attributes: Record<string, MessageAttributeValue> = { kind: text(item.kind) };
  const installationId = 'installationId' in item ? item.installationId : undefined;

  if (installationId !== undefined) {
    attributes['tenant_id'] = number(installationId);
  }
  if ('tier' in item && item.tier !== undefined) attributes['tier'] = text(item.tier);
  if (item.kind === 'job_event') attributes['job_id'] = number(item.jobId);
  if (item.kind === 'runner_finished') attributes['runner_name'] = text(item.runnerName);

  return {
    body: JSON.stringify(item),
    attributes,
    groupId: installationId === undefined ? undefined : String(installationId),
  };
}

/**
 * Reads a message body back as a work item, or throws `invalid_input` naming what is wrong.
 * Every body is checked, since anyone with send rights on the queue can put one there.
 */
export function decodeWorkMessage(body: string, messageId: string): WorkItem {
  const attempt = `reading SQS message ${messageId}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new PlatformError(
      'invalid_input',
      `${attempt}: the body must be a JSON work item (got ${JSON.stringify(body.slice(0, 80))})`,
    );
  }

  return checkWorkItem(parsed, attempt);
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

function number(value: number): MessageAttributeValue {
  return { DataType: 'Number', StringValue: String(value) };
}
