import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';

import { PlatformError } from '../../core/errors.js';
import type { Logger } from '../../core/ports/telemetry.js';
import type {
  LeasedWork,
  WorkItem,
  WorkQueue,
  WorkQueueStats,
} from '../../core/ports/work-queue.js';
import { checkWorkItem } from '../../core/work-item.js';
import { isStaleReceipt, toSqsError } from './sqs-errors.js';
import type { RedrivePolicy } from './sqs-queue-directory.js';
import { SqsQueueDirectory, sqsCall } from './sqs-queue-directory.js';
import {
  decodeWorkMessage,
  encodeWorkMessage,
  tenantEventsQueueName,
  tierQueueName,
} from './sqs-work-message.js';

/** SQS delays a message by at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/** SQS hides a received message for at most 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;

export interface SqsWorkQueueOptions {
  readonly client: SQSClient;
  /** The deployment prefix in every queue name. */
  readonly prefix: string;
  /** The tiers of the deployment: each has its queue, which `lease` and `stats` read. */
  readonly tiers: readonly string[];
  readonly logger: Logger;
}

/** A lease on SQS is a receipt handle of the queue it came from. */
export function sqsLeaseId(queueName: string, receiptHandle: string): string {
  return `${queueName} ${receiptHandle}`;
}

/** The receive count SQS keeps: 1 on the first delivery, as the port counts attempts. */
export function receiveCount(message: Pick<Message, 'Attributes'>): number {
  const count = Number(message.Attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count >= 1 ? count : 1;
}

/**
 * The work queue on standard SQS queues: `reconcile` and `runner_finished` go to the queue of
 * their tier, `tenant_removed` to the tenant-events queue. A lease is a receive with a
 * visibility timeout, an ack a delete, a retry a visibility change; the receive count is the
 * attempt. Work is not coalesced by key (a standard queue cannot find a message by content):
 * repeated reconciles are harmless, since each reads the ledger afresh.
 */
export class SqsWorkQueue implements WorkQueue {
  private readonly directory: SqsQueueDirectory;
  /** Bodies of the messages leased here, by lease id, for `deadLetter`. */
  private readonly held = new Map<string, string>();
  private readonly tierNames: ReadonlySet<string>;
  private readonly queueNames: readonly string[];
  private nextQueue = 0;

  constructor(private readonly options: SqsWorkQueueOptions) {
    this.directory = new SqsQueueDirectory(options.client);
    this.tierNames = new Set(options.tiers);
    this.queueNames = [
      ...options.tiers.map((tier) => tierQueueName(options.prefix, tier)),
      tenantEventsQueueName(options.prefix),
    ];
  }

  /** The queue an item goes to. */
  queueNameOf(item: WorkItem): string {
    if (item.kind === 'tenant_removed') return tenantEventsQueueName(this.options.prefix);
    // A job our runner took whose labels match no tier: only the runner's record moves.
    if (item.tier === undefined) return tenantEventsQueueName(this.options.prefix);
    if (this.tierNames.has(item.tier)) return tierQueueName(this.options.prefix, item.tier);

    // A tier removed from the configuration has no queue any more; its runners must still be
    // finished, and the tenant-manager runs any kind of work.
    this.options.logger.warn('work for a tier without a queue goes to the tenant-events queue', {
      tier: item.tier,
      work_kind: item.kind,
      reason: 'unknown_tier',
    });
    return tenantEventsQueueName(this.options.prefix);
  }

  async enqueue(item: WorkItem, options: { readonly delayMs?: number } = {}): Promise<void> {
    checkWorkItem(item, 'enqueueing a work item');

    const name = this.queueNameOf(item);
    const message = encodeWorkMessage(item);
    const attempt = `sending ${item.kind} to ${name}`;
    await sqsCall(attempt, async () =>
      this.options.client.send(
        new SendMessageCommand({
          QueueUrl: await this.queueUrl(name),
          MessageBody: message.body,
          MessageAttributes: message.attributes,
          MessageGroupId: message.groupId,
          DelaySeconds: wholeSeconds(options.delayMs ?? 0, MAX_DELAY_SECONDS),
        }),
      ),
    );
  }

  async lease(leaseMs: number): Promise<LeasedWork | undefined> {
    const start = this.nextQueue;
    this.nextQueue = (this.nextQueue + 1) % this.queueNames.length;

    for (let i = 0; i < this.queueNames.length; i += 1) {
      const name = this.queueNames[(start + i) % this.queueNames.length] as string;
      const work = await this.receiveFrom(name, leaseMs);
      if (work !== undefined) return work;
    }
    return undefined;
  }

  async ack(leaseId: string): Promise<void> {
    const { queueName, receiptHandle } = parseLeaseId(leaseId);
    this.held.delete(leaseId);

    try {
      await this.options.client.send(
        new DeleteMessageCommand({
          QueueUrl: await this.queueUrl(queueName),
          ReceiptHandle: receiptHandle,
        }),
      );
    } catch (error) {
      if (isStaleReceipt(error)) return;
      throw toSqsError(error, `deleting a message from ${queueName}`);
    }
  }

  async retry(leaseId: string, delayMs: number, _error: string): Promise<void> {
    const { queueName, receiptHandle } = parseLeaseId(leaseId);
    this.held.delete(leaseId);

    try {
      await this.options.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: await this.queueUrl(queueName),
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: wholeSeconds(delayMs, MAX_VISIBILITY_SECONDS),
        }),
      );
    } catch (error) {
      // The lease already ran out: the message is visible again, which is what a retry wants.
      if (isStaleReceipt(error)) return;
      throw toSqsError(error, `delaying the retry of a message of ${queueName}`);
    }
  }

  /**
   * Moves the message to the queue's dead-letter queue at once, with the reason as an
   * attribute, rather than waiting for the redrive after `maxReceiveCount` receives.
   */
  async deadLetter(leaseId: string, error: string): Promise<void> {
    const { queueName } = parseLeaseId(leaseId);
    const body = this.held.get(leaseId);
    if (body === undefined) {
      throw new PlatformError(
        'not_found',
        `dead-lettering a message of ${queueName}: SQS cannot read a message by its receipt handle, and this one was not leased here`,
      );
    }
    const { deadLetterQueueUrl } = await this.redrivePolicy(queueName);

    await sqsCall(`dead-lettering a message of ${queueName}`, () =>
      this.options.client.send(
        new SendMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MessageBody: body,
          MessageAttributes: {
            source_queue: { DataType: 'String', StringValue: queueName },
            error: { DataType: 'String', StringValue: error.slice(0, 1_000) || 'unknown' },
          },
        }),
      ),
    );
    await this.ack(leaseId);
  }

  /** Sums SQS's approximate counts over the queues; `dead` counts their dead-letter queues. */
  async stats(): Promise<WorkQueueStats> {
    const urls = await Promise.all(this.queueNames.map((name) => this.queueUrl(name)));
    const policies = await Promise.all(this.queueNames.map((name) => this.redrivePolicy(name)));
    // Tiers may share one dead-letter queue; count it once.
    const deadUrls = [...new Set(policies.map((policy) => policy.deadLetterQueueUrl))];

    const live = await Promise.all(urls.map((url) => this.directory.counts(url)));
    const dead = await Promise.all(deadUrls.map((url) => this.directory.counts(url)));

    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    return {
      ready: sum(live.map((c) => c.ready)),
      delayed: sum(live.map((c) => c.delayed)),
      leased: sum(live.map((c) => c.inFlight)),
      dead: sum(dead.map((c) => c.ready + c.delayed + c.inFlight)),
    };
  }

  /** Receives one valid item from a queue, dead-lettering any malformed one on the way. */
  private async receiveFrom(name: string, leaseMs: number): Promise<LeasedWork | undefined> {
    const url = await this.queueUrl(name);

    for (;;) {
      const answer = await sqsCall(`receiving from ${name}`, () =>
        this.options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: 0,
            VisibilityTimeout: wholeSeconds(leaseMs, MAX_VISIBILITY_SECONDS),
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        ),
      );
      const message = answer.Messages?.[0];
      if (message?.ReceiptHandle === undefined) return undefined;

      const leaseId = sqsLeaseId(name, message.ReceiptHandle);
      this.held.set(leaseId, message.Body ?? '');
      const read = this.readItem(name, message);
      if ('item' in read) return { leaseId, item: read.item, attempt: receiveCount(message) };

      await this.deadLetter(leaseId, read.problem);
    }
  }

  private readItem(name: string, message: Message): { item: WorkItem } | { problem: string } {
    try {
      return { item: decodeWorkMessage(message.Body ?? '', message.MessageId ?? 'without id') };
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      this.options.logger.warn('dead-lettering a malformed work message', {
        queue: name,
        message_id: message.MessageId,
        reason: problem,
      });
      return { problem };
    }
  }

  /** The URL of a queue of this deployment, resolved once and cached. */
  queueUrl(name: string): Promise<string> {
    return this.directory.queueUrl(name);
  }

  /** The redrive policy of a queue of this deployment, read once and cached. */
  redrivePolicy(name: string): Promise<RedrivePolicy> {
    return this.directory.redrivePolicy(name);
  }
}

function parseLeaseId(leaseId: string): { queueName: string; receiptHandle: string } {
  const space = leaseId.indexOf(' ');
  if (space <= 0) {
    throw new PlatformError(
      'invalid_input',
      `using an SQS lease: the id must be "<queue> <receipt handle>" (got ${JSON.stringify(leaseId.slice(0, 80))})`,
    );
  }
  return { queueName: leaseId.slice(0, space), receiptHandle: leaseId.slice(space + 1) };
}

/** Milliseconds as whole seconds for SQS, rounded up and kept within `max`. */
function wholeSeconds(ms: number, max: number): number {
  return Math.min(max, Math.max(0, Math.ceil(ms / 1_000)));
}
