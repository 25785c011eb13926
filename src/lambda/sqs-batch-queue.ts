import type { SQSRecord } from 'aws-lambda';

import type { SqsWorkQueue } from '../adapters/aws/sqs-work-queue.js';
import { sqsLeaseId } from '../adapters/aws/sqs-work-queue.js';
import { decodeWorkMessage } from '../adapters/aws/sqs-work-message.js';
import type { Logger } from '../core/ports/telemetry.js';
import type { LeasedWork, WorkItem, WorkQueue, WorkQueueStats } from '../core/ports/work-queue.js';

interface BatchEntry {
  readonly record: SQSRecord;
  readonly item: WorkItem;
  readonly attempt: number;
  /** The queue the record came from: the last part of its event source ARN. */
  readonly queueName: string;
}

/**
 * The records of one SQS batch as a WorkQueue, so the core's worker pool runs them with its
 * own rules: an ack leaves the record to Lambda (which deletes what the answer does not name),
 * a retry sets the message's visibility to the backoff and names it in `batchItemFailures`.
 * Nothing here throws: a record whose outcome cannot be settled is named as a failure, which
 * retries it, and never touches the others.
 */
export class SqsBatchQueue implements WorkQueue {
  private readonly pending: BatchEntry[] = [];
  private readonly leased = new Map<string, BatchEntry>();
  private readonly failed = new Set<string>();

  constructor(
    records: readonly SQSRecord[],
    private readonly queue: SqsWorkQueue,
    private readonly logger: Logger,
  ) {
    for (const record of records) this.admit(record);
  }

  /** The message ids Lambda must not delete: retries and poison, in batch order. */
  failures(): { itemIdentifier: string }[] {
    return [...this.failed].map((itemIdentifier) => ({ itemIdentifier }));
  }

  async enqueue(item: WorkItem, options?: { readonly delayMs?: number }): Promise<void> {
    await this.queue.enqueue(item, options);
  }

  async lease(): Promise<LeasedWork | undefined> {
    const entry = this.pending.shift();
    if (entry === undefined) return undefined;

    this.leased.set(entry.record.messageId, entry);
    return { leaseId: entry.record.messageId, item: entry.item, attempt: entry.attempt };
  }

  async ack(leaseId: string): Promise<void> {
    this.leased.delete(leaseId);
  }

  async retry(leaseId: string, delayMs: number, error: string): Promise<void> {
    const entry = this.leased.get(leaseId);
    this.leased.delete(leaseId);
    if (entry === undefined) return;

    const log = this.logger.child({ message_id: leaseId, queue: entry.queueName });
    try {
      if (await this.isLastReceive(entry, log)) {
        await this.sendAgain(entry, delayMs, log);
        return;
      }
      const lease = sqsLeaseId(entry.queueName, entry.record.receiptHandle);
      await this.queue.retry(lease, delayMs, error);
    } catch (failure) {
      log.warn('could not schedule the retry; the queue’s visibility timeout applies', {
        err: failure,
      });
    }
    this.failed.add(leaseId);
  }

  async deadLetter(leaseId: string): Promise<void> {
    this.leased.delete(leaseId);
    this.failed.add(leaseId);
  }

  async stats(): Promise<WorkQueueStats> {
    return { ready: this.pending.length, delayed: 0, leased: this.leased.size, dead: 0 };
  }

  /** Checks a record; a malformed one (poison) is a failure, so redrive takes it to the DLQ. */
  private admit(record: SQSRecord): void {
    const queueName = record.eventSourceARN.split(':').pop() ?? '';
    try {
      const item = decodeWorkMessage(record.body, record.messageId);
      const attempt = Number(record.attributes.ApproximateReceiveCount);
      this.pending.push({ record, item, queueName, attempt: attempt >= 1 ? attempt : 1 });
    } catch (error) {
      this.failed.add(record.messageId);
      this.logger.error('malformed work message left for the dead-letter queue', {
        message_id: record.messageId,
        queue: queueName,
        receive_count: record.attributes.ApproximateReceiveCount,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * The dead-letter queue is for poison only: work that failed for a passing reason (GitHub
   * down, no capacity) must not land there when it reaches the queue's maxReceiveCount.
   */
  private async isLastReceive(entry: BatchEntry, log: Logger): Promise<boolean> {
    try {
      const { maxReceiveCount } = await this.queue.redrivePolicy(entry.queueName);
      return entry.attempt >= maxReceiveCount;
    } catch (error) {
      log.warn('could not read the redrive policy; retrying in place', { err: error });
      return false;
    }
  }

  /** A fresh copy with the delay, so its receive count starts again; the original is acked. */
  private async sendAgain(entry: BatchEntry, delayMs: number, log: Logger): Promise<void> {
    await this.queue.enqueue(entry.item, { delayMs });
    log.info('work sent again before it reached the dead-letter queue', {
      work_kind: entry.item.kind,
      receive_count: entry.attempt,
      delay_ms: delayMs,
    });
  }
}
