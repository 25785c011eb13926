import { randomUUID } from 'node:crypto';

import type { Clock } from '../../core/ports/clock.js';
import type {
  LeasedWork,
  WorkItem,
  WorkQueue,
  WorkQueueStats,
} from '../../core/ports/work-queue.js';
import { workKey } from '../../core/ports/work-queue.js';
import { checkWorkItem } from '../../core/work-item.js';

interface Entry {
  readonly id: number;
  readonly workKey: string;
  readonly item: WorkItem;
  /** While leased, the lease's end: the item is visible again then. */
  visibleAt: number;
  /** Deliveries that ended without an ack: retries and expired leases. */
  attempts: number;
  leaseId: string | undefined;
  lastError: string | undefined;
  dead: boolean;
}

/**
 * A work queue in an array, with the same lease rules as the SQLite one: an expired lease
 * makes the item visible again and counts as an attempt.
 */
export class MemoryWorkQueue implements WorkQueue {
  private readonly entries: Entry[] = [];
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  async enqueue(item: WorkItem, options: { readonly delayMs?: number } = {}): Promise<void> {
    checkWorkItem(item, 'enqueueing a work item');

    const key = workKey(item);
    const visibleAt = this.clock.now() + Math.max(0, options.delayMs ?? 0);
    // A leased item is being worked on with what it knew then, so new work must not merge in.
    const waiting = this.entries.find(
      (entry) => entry.workKey === key && !entry.dead && entry.leaseId === undefined,
    );
    if (waiting !== undefined) {
      waiting.visibleAt = Math.min(waiting.visibleAt, visibleAt);
      return;
    }

    this.entries.push({
      id: this.nextId++,
      workKey: key,
      item: Object.freeze({ ...item }),
      visibleAt,
      attempts: 0,
      leaseId: undefined,
      lastError: undefined,
      dead: false,
    });
  }

  async lease(leaseMs: number): Promise<LeasedWork | undefined> {
    const now = this.clock.now();
    const next = this.entries
      .filter((entry) => !entry.dead && entry.visibleAt <= now)
      .sort((a, b) => a.visibleAt - b.visibleAt || a.id - b.id)[0];
    if (next === undefined) return undefined;

    if (next.leaseId !== undefined) next.attempts += 1;
    next.leaseId = randomUUID();
    next.visibleAt = now + leaseMs;
    return { leaseId: next.leaseId, item: next.item, attempt: next.attempts + 1 };
  }

  async ack(leaseId: string): Promise<void> {
    const index = this.entries.findIndex((entry) => entry.leaseId === leaseId);
    if (index >= 0) this.entries.splice(index, 1);
  }

  async retry(leaseId: string, delayMs: number, error: string): Promise<void> {
    const entry = this.entries.find((candidate) => candidate.leaseId === leaseId);
    if (entry === undefined) return;

    entry.attempts += 1;
    entry.leaseId = undefined;
    entry.visibleAt = this.clock.now() + Math.max(0, delayMs);
    entry.lastError = error;
  }

  async deadLetter(leaseId: string, error: string): Promise<void> {
    const entry = this.entries.find((candidate) => candidate.leaseId === leaseId);
    if (entry === undefined) return;

    entry.dead = true;
    entry.leaseId = undefined;
    entry.lastError = error;
  }

  async stats(): Promise<WorkQueueStats> {
    const now = this.clock.now();
    const live = this.entries.filter((entry) => !entry.dead);
    const leased = live.filter((entry) => entry.leaseId !== undefined && entry.visibleAt > now);
    const waiting = live.filter((entry) => entry.leaseId === undefined);
    return {
      ready: live.filter((entry) => entry.visibleAt <= now).length,
      delayed: waiting.filter((entry) => entry.visibleAt > now).length,
      leased: leased.length,
      dead: this.entries.length - live.length,
    };
  }
}
