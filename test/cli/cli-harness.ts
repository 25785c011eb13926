import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteDecisionLog } from '../../src/adapters/sqlite/sqlite-decision-log.js';
import { SqliteLedger } from '../../src/adapters/sqlite/sqlite-ledger.js';
import { SqliteTenantStore } from '../../src/adapters/sqlite/sqlite-tenant-store.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { Clock } from '../../src/core/ports/clock.js';
import { REPORT_AT, WORLD_CONFIG_YAML, buildWorld } from '../operator/operator-world.js';

/** What one run of `ghr` printed and returned. */
export interface GhrRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the real CLI entry in this process, with its output captured. */
export async function ghr(
  args: readonly string[],
  options: { readonly clock?: Clock; readonly env?: Record<string, string> } = {},
): Promise<GhrRun> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env: options.env ?? {},
    out: (text) => (out += text),
    err: (text) => (err += text),
    clock: options.clock ?? new ManualClock(REPORT_AT),
  });
  return { code, out, err };
}

/** A folder with the world's configuration and its SQLite database, as `serve` leaves them. */
export interface SqliteWorld {
  readonly configPath: string;
  readonly dbPath: string;
  /** `--config <file>`, for the command line. */
  readonly flags: readonly string[];
  /** A fingerprint of the database file's bytes, and every row of every table. */
  snapshot(): { readonly bytes: string; readonly rows: unknown };
  remove(): void;
}

export async function sqliteWorld(): Promise<SqliteWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'ghr-ops-'));
  const configPath = join(dir, 'ghr.yaml');
  const dbPath = join(dir, 'ghr.sqlite');
  writeFileSync(configPath, WORLD_CONFIG_YAML);

  const db = openDatabase(dbPath);
  await buildWorld({
    tenants: new SqliteTenantStore(db),
    ledger: new SqliteLedger(db),
    decisions: new SqliteDecisionLog(db),
    clock: new ManualClock(),
  });
  db.close();

  return {
    configPath,
    dbPath,
    flags: ['--config', configPath],
    snapshot: () => ({
      bytes: createHash('sha256').update(readFileSync(dbPath)).digest('hex'),
      rows: readRows(dbPath),
    }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const TABLES = ['tenants', 'jobs', 'runners', 'decisions', 'work_items', 'deliveries'];

function readRows(path: string): Record<string, unknown[]> {
  const db = openDatabase(path);
  try {
    return Object.fromEntries(
      TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()]),
    );
  } finally {
    db.close();
  }
}
