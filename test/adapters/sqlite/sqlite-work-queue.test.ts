import { afterEach, describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { SqliteWorkQueue } from '../../../src/adapters/sqlite/sqlite-work-queue.js';
import type { LogFields, Logger } from '../../../src/core/ports/telemetry.js';
import { scratchDatabases } from '../../contracts/scratch-databases.js';

const databases = scratchDatabases();
afterEach(() => databases.closeAll());

/** Keeps warnings, to check what an operator would be told. */
class RecordingLogger implements Logger {
  readonly warnings: { message: string; fields: LogFields }[] = [];

  debug(): void {}
  info(): void {}
  warn(message: string, fields: LogFields = {}): void {
    this.warnings.push({ message, fields });
  }
  error(): void {}
  child(): Logger {
    return this;
  }
}

describe('SqliteWorkQueue with rows it did not write', () => {
  it('dead-letters malformed stored items and hands out the next good one', async () => {
    const clock = new ManualClock();
    const db = databases.open();
    const logger = new RecordingLogger();
    const queue = new SqliteWorkQueue(db, clock, logger);
    const insert = db.prepare(
      'INSERT INTO work_items (work_key, item, visible_at) VALUES (?, ?, ?)',
    );
    insert.run('broken:1', '{not json', clock.now() - 2);
    insert.run(
      'broken:2',
      JSON.stringify({ kind: 'reconcile', installationId: 'x' }),
      clock.now() - 1,
    );
    await queue.enqueue({ kind: 'tenant_removed', installationId: 5 });

    const work = await queue.lease(10_000);

    expect(work).toMatchObject({ item: { kind: 'tenant_removed', installationId: 5 }, attempt: 1 });
    expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 1, dead: 2 });
    const parked = db
      .prepare<[], { work_key: string; last_error: string }>(
        'SELECT work_key, last_error FROM work_items WHERE dead = 1 ORDER BY id',
      )
      .all();
    expect(parked.map((row) => row.work_key)).toEqual(['broken:1', 'broken:2']);
    expect(parked[0]?.last_error).toContain('not valid JSON');
    expect(parked[1]?.last_error).toContain('installationId');
    expect(logger.warnings).toHaveLength(2);
  });

  it('answers undefined when every visible row is malformed', async () => {
    const clock = new ManualClock();
    const db = databases.open();
    const queue = new SqliteWorkQueue(db, clock);
    db.prepare('INSERT INTO work_items (work_key, item, visible_at) VALUES (?, ?, ?)').run(
      'broken',
      'null',
      clock.now(),
    );

    expect(await queue.lease(10_000)).toBeUndefined();
    expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 1 });
  });
});
