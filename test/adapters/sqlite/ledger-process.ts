/**
 * Another process using the same database file, for the tests that share one between
 * processes. Both modes print `ready` once the database is open and wait for a line on stdin,
 * so every process starts together.
 *
 *   race <database> <runner-prefix> <count> <tenant-max>
 *     asks for `count` slots one after another and prints the decisions as one JSON line.
 *   hold <database> <runner-name> <hold-ms>
 *     takes one slot inside a write transaction, prints `holding`, and commits `hold-ms` later.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import { openDatabase } from '../../../src/adapters/sqlite/open-database.js';
import { SqliteLedger } from '../../../src/adapters/sqlite/sqlite-ledger.js';
import type { SlotRequest } from '../../../src/core/ports/ledger.js';

const [mode, path, name, amount, tenantMax = '1'] = process.argv.slice(2);
if (path === undefined || name === undefined || amount === undefined) {
  throw new Error('usage: ledger-process race|hold <database> <name> <count|hold-ms> [tenant-max]');
}

const request = (runnerName: string): SlotRequest => ({
  installationId: 101,
  tier: 'small',
  tenantTier: 'small',
  repository: undefined,
  runnerName,
  limits: { tenantMax: Number(tenantMax), tierMax: 50 },
  at: new Date(Date.UTC(2024, 0, 1)).toISOString(),
});

const db = openDatabase(path);
const ledger = new SqliteLedger(db);
process.stdout.write('ready\n');
await once(process.stdin, 'data');

if (mode === 'hold') {
  db.exec('BEGIN IMMEDIATE');
  const decision = await ledger.takeSlot(request(name));
  process.stdout.write(`holding ${decision.taken ? 'taken' : decision.reason}\n`);
  await sleep(Number(amount));
  db.exec('COMMIT');
} else {
  const decisions: string[] = [];
  for (let i = 0; i < Number(amount); i += 1) {
    const decision = await ledger.takeSlot(request(`${name}-${i}`));
    decisions.push(decision.taken ? 'taken' : decision.reason);
  }
  process.stdout.write(`${JSON.stringify(decisions)}\n`);
}

db.close();
process.stdin.destroy();
