import Database from 'better-sqlite3';

import { PlatformError } from '../../core/errors.js';
import type { Migration } from './migrations.js';
import { MIGRATIONS } from './migrations.js';
import { immediate, storeError } from './sqlite-transaction.js';

export interface OpenDatabaseOptions {
  /** How long a connection waits for another's write lock before failing. */
  readonly busyTimeoutMs?: number;
  /** Replaces the shipped migrations, for testing the version checks. */
  readonly migrations?: readonly Migration[];
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (or creates) the embedded database at `path` (`:memory:` for a private one) and brings
 * its schema up to date in one transaction. A database written by a newer build is refused
 * rather than read with a schema this build does not know.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  const db = connect(path);

  try {
    configure(db, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    migrate(db, path, options.migrations ?? MIGRATIONS);
  } catch (error) {
    db.close();
    throw storeError(`opening database ${path}`, error);
  }

  return db;
}

function connect(path: string): Database.Database {
  try {
    return new Database(path);
  } catch (error) {
    throw new PlatformError('invalid_config', `opening database ${path}: it could not be opened`, {
      cause: error,
      details: { path },
    });
  }
}

function configure(db: Database.Database, busyTimeoutMs: number): void {
  // busy_timeout first, so the switch to WAL waits for another opener instead of failing.
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

function migrate(db: Database.Database, path: string, migrations: readonly Migration[]): void {
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0);

  immediate(db, `migrating database ${path}`, () => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
      ) STRICT
    `);
    const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
      version: number | null;
    };
    const current = row.version ?? 0;

    if (current > latest) {
      throw new PlatformError(
        'invalid_config',
        `opening database ${path}: its schema is at version ${current}, newer than this build ` +
          `knows (${latest}); run a build at least as new as the one that wrote it`,
        { details: { path, schema_version: current, known_version: latest } },
      );
    }

    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  });
}
