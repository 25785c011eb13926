import { PlatformError, isRetryable } from './errors.js';
import type { Logger, Metrics } from './ports/telemetry.js';
import type { LeasedWork, WorkItem, WorkQueue } from './ports/work-queue.js';

export interface WorkerPoolOptions {
  readonly queue: WorkQueue;
  readonly handle: (item: WorkItem) => Promise<void>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly concurrency: number;
  /** How long to wait for new work when the queue is empty. */
  readonly idlePollMs?: number;
  /** How long a worker may hold an item before another may take it. */
  readonly leaseMs?: number;
  /** Backoff of retryable failures: base, doubling per attempt, capped. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

export interface WorkerPool {
  /** Wakes idle workers at once (after an enqueue). */
  notify(): void;
  /** Resolves when the queue has nothing ready and no worker is busy. */
  whenIdle(): Promise<void>;
  /** Finishes the items in hand, takes no more, and resolves. */
  stop(): Promise<void>;
}

/**
 * Runs queued work with a fixed number of concurrent workers. Retryable failures come back
 * with backoff (or when the remote said to), however many times it takes, because the jobs
 * behind them must not be dropped; other failures are logged with their reason and dropped,
 * since the next event or sweep asks for the same work again.
 */
export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const idlePollMs = options.idlePollMs ?? 200;
  const leaseMs = options.leaseMs ?? 300_000;
  let stopping = false;
  let busy = 0;
  const sleepers = new Set<() => void>();

  const wake = () => {
    for (const resolve of sleepers) resolve();
    sleepers.clear();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sleepers.delete(resolve);
        resolve();
      }, ms);
      sleepers.add(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  async function runWorker(): Promise<void> {
    while (!stopping) {
      const work = await options.queue.lease(leaseMs).catch((error: unknown) => {
        options.logger.error('could not lease work', { err: error });
        return undefined;
      });
      if (work === undefined) {
        await pause(idlePollMs);
        continue;
      }

      busy += 1;
      try {
        await runItem(options, work);
      } finally {
        busy -= 1;
      }
    }
  }

  const workers = Array.from({ length: options.concurrency }, () => runWorker());

  return {
    notify: wake,
    async whenIdle() {
      for (;;) {
        const stats = await options.queue.stats();
        if (stats.ready === 0 && stats.leased === 0 && busy === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      stopping = true;
      wake();
      await Promise.all(workers);
    },
  };
}

async function runItem(options: WorkerPoolOptions, work: LeasedWork): Promise<void> {
  const log = options.logger.child({ work_kind: work.item.kind, attempt: work.attempt });

  try {
    await options.handle(work.item);
    await options.queue.ack(work.leaseId);
    options.metrics.increment('ghr_work_items_total', { kind: work.item.kind, outcome: 'done' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!isRetryable(error)) {
      log.error('work failed and will not be retried', { item: work.item, err: error });
      await options.queue.ack(work.leaseId);
      options.metrics.increment('ghr_work_items_total', {
        kind: work.item.kind,
        outcome: 'failed',
      });
      return;
    }

    const delayMs = retryDelay(options, work.attempt, error);
    log.warn('work failed; retrying later', { item: work.item, delay_ms: delayMs, err: error });
    await options.queue.retry(work.leaseId, delayMs, message);
    options.metrics.increment('ghr_work_items_total', { kind: work.item.kind, outcome: 'retry' });
  }
}

function retryDelay(options: WorkerPoolOptions, attempt: number, error: unknown): number {
  const base = options.retryBaseMs ?? 1_000;
  const max = options.retryMaxMs ?? 60_000;
  const backoff = Math.min(max, base * 2 ** Math.min(attempt - 1, 16));
  const told = error instanceof PlatformError ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(backoff, told);
}
