import { randomUUID } from 'node:crypto';

import type Database from 'better-sqlite3';

import { PlatformError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Logger } from '../../core/ports/telemetry.js';
import type {
  LeasedWork,
  WorkItem,
  WorkQueue,
  WorkQueueStats,
} from '../../core/ports/work-queue.js';
import { workKey } from '../../core/ports/work-queue.js';
import { checkWorkItem } from '../../core/work-item.js';
import { immediate, statement } from './sqlite-transaction.js';

interface CandidateRow {
  id: number;
  item: string;
  attempts: number;
  lease_id: string | null;
}

/**
 * The work queue in the `work_items` table. A lease sets `leased_until` and moves `visible_at`
 * to the same time, so an item whose worker died is simply visible again when it runs out.
 */
export class SqliteWorkQueue implements WorkQueue {
  private readonly findWaiting: Database.Statement<[string], { id: number }>;
  private readonly moveEarlier: Database.Statement<[number, number]>;
  private readonly insert: Database.Statement<[string, string, number]>;
  private readonly nextVisible: Database.Statement<[number], CandidateRow>;
  private readonly markLeased: Database.Statement<[string, number, number, number, number]>;
  private readonly bury: Database.Statement<[string, number]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly release: Database.Statement<[number, string, string]>;
  private readonly park: Database.Statement<[string, string]>;
  private readonly count: Database.Statement<[number, number, number], WorkQueueStats>;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {
    this.findWaiting = db.prepare(
      'SELECT id FROM work_items WHERE work_key = ? AND dead = 0 AND lease_id IS NULL LIMIT 1',
    );
    this.moveEarlier = db.prepare(
      'UPDATE work_items SET visible_at = min(visible_at, ?) WHERE id = ?',
    );
    this.insert = db.prepare(
      'INSERT INTO work_items (work_key, item, visible_at) VALUES (?, ?, ?)',
    );
    this.nextVisible = db.prepare(
      'SELECT id, item, attempts, lease_id FROM work_items ' +
        'WHERE dead = 0 AND visible_at <= ? ORDER BY visible_at, id LIMIT 1',
    );
    this.markLeased = db.prepare(
      'UPDATE work_items SET lease_id = ?, leased_until = ?, visible_at = ?, attempts = ? ' +
        'WHERE id = ?',
    );
    this.bury = db.prepare(
      'UPDATE work_items SET dead = 1, lease_id = NULL, leased_until = NULL, last_error = ? ' +
        'WHERE id = ?',
    );
    this.remove = db.prepare('DELETE FROM work_items WHERE lease_id = ?');
    this.release = db.prepare(
      'UPDATE work_items SET attempts = attempts + 1, lease_id = NULL, leased_until = NULL, ' +
        'visible_at = ?, last_error = ? WHERE lease_id = ?',
    );
    this.park = db.prepare(
      'UPDATE work_items SET dead = 1, lease_id = NULL, leased_until = NULL, last_error = ? ' +
        'WHERE lease_id = ?',
    );
    this.count = db.prepare(`
      SELECT
        coalesce(sum(dead = 0 AND visible_at <= ?), 0) AS ready,
        coalesce(sum(dead = 0 AND lease_id IS NULL AND visible_at > ?), 0) AS delayed,
        coalesce(sum(dead = 0 AND lease_id IS NOT NULL AND visible_at > ?), 0) AS leased,
        coalesce(sum(dead = 1), 0) AS dead
      FROM work_items
    `);
  }

  async enqueue(item: WorkItem, options: { readonly delayMs?: number } = {}): Promise<void> {
    checkWorkItem(item, 'enqueueing a work item');

    const key = workKey(item);
    const visibleAt = this.clock.now() + Math.max(0, options.delayMs ?? 0);
    immediate(this.db, `enqueueing ${key}`, () => {
      // A leased row is being worked on with what it knew then, so new work must not merge in.
      const waiting = this.findWaiting.get(key);
      if (waiting !== undefined) {
        this.moveEarlier.run(visibleAt, waiting.id);
        return;
      }

      this.insert.run(key, JSON.stringify(item), visibleAt);
    });
  }

  async lease(leaseMs: number): Promise<LeasedWork | undefined> {
    const now = this.clock.now();

    return immediate(this.db, 'leasing work', () => {
      for (;;) {
        const row = this.nextVisible.get(now);
        if (row === undefined) return undefined;

        const item = this.readItem(row);
        if (item === undefined) continue;

        // A row that still carries a lease here had it run out: that delivery counts.
        const attempts = row.lease_id === null ? row.attempts : row.attempts + 1;
        const leaseId = randomUUID();
        this.markLeased.run(leaseId, now + leaseMs, now + leaseMs, attempts, row.id);
        return { leaseId, item, attempt: attempts + 1 };
      }
    });
  }

  async ack(leaseId: string): Promise<void> {
    statement('acknowledging work', () => this.remove.run(leaseId));
  }

  async retry(leaseId: string, delayMs: number, error: string): Promise<void> {
    const visibleAt = this.clock.now() + Math.max(0, delayMs);
    statement('retrying work', () => this.release.run(visibleAt, error, leaseId));
  }

  async deadLetter(leaseId: string, error: string): Promise<void> {
    statement('dead-lettering work', () => this.park.run(error, leaseId));
  }

  async stats(): Promise<WorkQueueStats> {
    const now = this.clock.now();
    return statement('counting work', () => this.count.get(now, now, now) as WorkQueueStats);
  }

  /** Parses a stored item; one that no longer parses is dead-lettered, never handed out. */
  private readItem(row: CandidateRow): WorkItem | undefined {
    try {
      return checkWorkItem(JSON.parse(row.item) as unknown, `reading work item ${row.id}`);
    } catch (error) {
      const reason = error instanceof PlatformError ? error.message : 'item is not valid JSON';
      this.bury.run(reason, row.id);
      this.logger?.warn('dead-lettered a malformed work item', {
        work_item_id: row.id,
        reason,
      });
      return undefined;
    }
  }
}
