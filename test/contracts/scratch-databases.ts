import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Database from 'better-sqlite3';

import { openDatabase } from '../../src/adapters/sqlite/open-database.js';

/** Opens private databases for tests, and closes them (removing any files) afterwards. */
export interface ScratchDatabases {
  /** A fresh `:memory:` database. */
  open(): Database.Database;
  /** A path to a database file in a fresh temporary directory; nothing is opened yet. */
  filePath(): string;
  /** Opens `path` and closes the connection with the others. */
  openFile(path: string): Database.Database;
  closeAll(): void;
}

export function scratchDatabases(): ScratchDatabases {
  const connections: Database.Database[] = [];
  const directories: string[] = [];

  const track = (db: Database.Database): Database.Database => {
    connections.push(db);
    return db;
  };

  return {
    open: () => track(openDatabase(':memory:')),
    filePath: () => {
      const directory = mkdtempSync(join(tmpdir(), 'ghr-store-'));
      directories.push(directory);
      return join(directory, 'ghr.sqlite');
    },
    openFile: (path) => track(openDatabase(path)),
    closeAll: () => {
      for (const db of connections.splice(0)) if (db.open) db.close();
      for (const directory of directories.splice(0)) rmSync(directory, { recursive: true });
    },
  };
}
