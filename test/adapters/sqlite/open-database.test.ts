import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { MIGRATIONS } from '../../../src/adapters/sqlite/migrations.js';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.js';
import { expectRefused } from '../../contracts/fixtures.js';
import { scratchDatabases } from '../../contracts/scratch-databases.js';

const databases = scratchDatabases();
afterEach(() => databases.closeAll());

const versions = (db: Database.Database): number[] =>
  db
    .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    .all()
    .map((row) => row.version);

const tables = (db: Database.Database): string[] =>
  db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
    .all()
    .map((row) => row.name);

describe('openDatabase', () => {
  it('opens a file in WAL mode with the connection settings the stores rely on', () => {
    const db = databases.openFile(databases.filePath());

    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });

  it('creates every table and records each migration once', () => {
    const db = databases.open();

    expect(tables(db)).toEqual(
      expect.arrayContaining(['tenants', 'jobs', 'runners', 'deliveries', 'work_items']),
    );
    expect(versions(db)).toEqual(MIGRATIONS.map((migration) => migration.version));
  });

  it('applies nothing again when a migrated file is reopened', () => {
    const path = databases.filePath();
    databases.openFile(path).close();

    const again = databases.openFile(path);

    expect(versions(again)).toEqual(MIGRATIONS.map((migration) => migration.version));
  });

  it('applies only the migrations a file has not had yet', () => {
    const path = databases.filePath();
    databases.openFile(path).close();
    const version = MIGRATIONS.length + 1;
    const next = { version, name: 'notes', sql: 'CREATE TABLE notes (body TEXT) STRICT' };

    const db = openDatabase(path, { migrations: [...MIGRATIONS, next] });

    expect(versions(db)).toEqual([...MIGRATIONS.map((migration) => migration.version), version]);
    expect(tables(db)).toContain('notes');
    db.close();
  });

  it('refuses a database written by a newer build, naming both versions', async () => {
    const path = databases.filePath();
    const db = databases.openFile(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      99,
      'from the future',
      '2030-01-01T00:00:00.000Z',
    );
    db.close();

    await expectRefused(
      Promise.resolve().then(() => openDatabase(path)),
      'invalid_config',
      'version 99',
      `(${MIGRATIONS.length})`,
    );
  });

  it('rolls back every step of a failed migration, leaving the schema as it was', async () => {
    const path = databases.filePath();
    databases.openFile(path).close();
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'half',
        sql: 'CREATE TABLE half (x TEXT) STRICT; NOT SQL AT ALL',
      },
    ];

    await expectRefused(
      Promise.resolve().then(() => openDatabase(path, { migrations: broken })),
      'unavailable',
      'migrating database',
    );

    const db = databases.openFile(path);
    expect(versions(db)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(tables(db)).not.toContain('half');
  });

  it('refuses a path it cannot open with invalid_config', async () => {
    await expectRefused(
      Promise.resolve().then(() => openDatabase('/nonexistent-dir/for/sure/ghr.sqlite')),
      'invalid_config',
      '/nonexistent-dir/for/sure/ghr.sqlite',
    );
  });
});
