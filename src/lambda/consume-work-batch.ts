import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

import type { SqsWorkQueue } from '../adapters/aws/sqs-work-queue.js';
import type { Logger, Metrics } from '../core/ports/telemetry.js';
import type { WorkItem } from '../core/ports/work-queue.js';
import { startWorkerPool } from '../core/worker-pool.js';
import { SqsBatchQueue } from './sqs-batch-queue.js';

export interface WorkBatchDeps {
  /** The deployment's queues, for retry delays and for work sent again. */
  readonly queue: SqsWorkQueue;
  readonly handle: (item: WorkItem) => Promise<void>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** How many records run at once. */
  readonly concurrency: number;
}

/**
 * Runs the records of one SQS batch, each on its own, through the core's worker pool, and
 * answers with the ones to keep: retryable failures (their visibility set to the backoff)
 * and malformed messages (left for the dead-letter queue). A record that succeeds or fails
 * for good is acknowledged; no record's failure touches another.
 */
export async function consumeWorkBatch(
  deps: WorkBatchDeps,
  records: readonly SQSRecord[],
): Promise<SQSBatchResponse> {
  const batch = new SqsBatchQueue(records, deps.queue, deps.logger);
  const pool = startWorkerPool({
    queue: batch,
    handle: deps.handle,
    logger: deps.logger,
    metrics: deps.metrics,
    concurrency: Math.max(1, Math.min(deps.concurrency, records.length)),
    idlePollMs: 5,
  });

  try {
    await pool.whenIdle();
  } finally {
    await pool.stop();
  }
  return { batchItemFailures: batch.failures() };
}
