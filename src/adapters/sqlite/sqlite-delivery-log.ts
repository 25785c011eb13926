import type Database from 'better-sqlite3';

import type { DeliveryLog } from '../../core/ports/delivery-log.js';
import { statement } from './sqlite-transaction.js';

/** Handled deliveries in the `deliveries` table; the primary key makes `record` race-safe. */
export class SqliteDeliveryLog implements DeliveryLog {
  private readonly selectOne: Database.Statement<[string], { found: number }>;
  private readonly insert: Database.Statement<[string, string, string]>;

  constructor(db: Database.Database) {
    this.selectOne = db.prepare('SELECT 1 AS found FROM deliveries WHERE delivery_id = ?');
    this.insert = db.prepare(
      'INSERT INTO deliveries (delivery_id, event, received_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (delivery_id) DO NOTHING',
    );
  }

  async has(deliveryId: string): Promise<boolean> {
    return (
      statement(`looking up delivery ${deliveryId}`, () => this.selectOne.get(deliveryId)) !==
      undefined
    );
  }

  async record(deliveryId: string, event: string, at: string): Promise<boolean> {
    const result = statement(`recording delivery ${deliveryId}`, () =>
      this.insert.run(deliveryId, event, at),
    );
    return result.changes === 1;
  }
}
