import { openDatabase } from '../adapters/sqlite/open-database.js';
import { SqliteDecisionLog } from '../adapters/sqlite/sqlite-decision-log.js';
import { SqliteLedger } from '../adapters/sqlite/sqlite-ledger.js';
import { SqliteTenantStore } from '../adapters/sqlite/sqlite-tenant-store.js';
import { SqliteWorkQueue } from '../adapters/sqlite/sqlite-work-queue.js';
import type { Clock } from '../core/ports/clock.js';
import type { PriceTable } from '../core/pricing.js';
import type { TierCatalog } from '../core/tier.js';
import type { OperatorBackend } from './operator-backend.js';

export interface SqliteBackendOptions {
  /** The database file `ghr serve` uses; it must exist. */
  readonly path: string;
  readonly catalog: TierCatalog | undefined;
  readonly pricing: PriceTable | undefined;
  readonly clock: Clock;
  readonly progress: (message: string) => void;
}

/**
 * The embedded backend, on the same SQLite file as a running `ghr serve`: reads see its
 * latest commits (WAL), and each change is one transaction, so both can run at once.
 */
export function openSqliteBackend(options: SqliteBackendOptions): OperatorBackend {
  const db = openDatabase(options.path);

  return {
    label: `the database ${options.path}`,
    tenants: new SqliteTenantStore(db),
    ledger: new SqliteLedger(db),
    decisions: new SqliteDecisionLog(db),
    queue: new SqliteWorkQueue(db, options.clock),
    catalog: options.catalog,
    pricing: options.pricing,
    clock: options.clock,
    progress: options.progress,
    close: async () => {
      db.close();
    },
  };
}
