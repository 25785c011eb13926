import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import type { OperatorConfig } from '../config/operator-config.js';
import { loadOperatorConfig } from '../config/operator-config.js';
import { PlatformError } from '../core/errors.js';
import type { Clock } from '../core/ports/clock.js';
import type { OperatorBackend } from '../operator/operator-backend.js';
import { openSqliteBackend } from '../operator/sqlite-operator-backend.js';
import type { CommandLine, CommandOptions } from './command-line.js';
import { text } from './command-line.js';

/** The flags every operator command takes to say which deployment it works on. */
export const BACKEND_OPTIONS: CommandOptions = {
  config: { type: 'string', short: 'c' },
  db: { type: 'string' },
};

export const BACKEND_HELP = `Backend:
  --config <file>   the serve configuration: its storage.path, tiers and pricing
  --db <path>       the SQLite database, instead of the one --config names`;

export interface BackendContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly progress: (message: string) => void;
}

/**
 * Opens the backend the flags name. Every flag is checked before anything is opened, and a
 * database that does not exist is refused rather than created empty.
 */
export async function openBackend(
  line: CommandLine,
  context: BackendContext,
): Promise<OperatorBackend> {
  const configPath = text(line, 'config');
  const config = configPath === undefined ? undefined : loadOperatorConfig(configPath);
  const db = text(line, 'db');

  if (db === undefined && config === undefined) {
    throw usage('--config', undefined, 'or --db is required: which deployment to work on');
  }
  const path = db === undefined ? (config as OperatorConfig).storagePath : resolve(db);
  const flag = db === undefined ? 'storage.path' : '--db';
  if (path === ':memory:') {
    throw usage(flag, path, 'must be a database file: an in-memory database has nothing to show');
  }
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw usage(flag, path, 'must be an existing database file written by ghr serve');
  }

  return openSqliteBackend({
    path,
    catalog: config?.tiers,
    pricing: config?.pricing,
    clock: context.clock,
    progress: context.progress,
  });
}

function usage(flag: string, value: unknown, rule: string): PlatformError {
  const seen = value === undefined ? 'nothing' : JSON.stringify(value);
  return new PlatformError('invalid_input', `${flag} ${rule} (got ${seen})`, {
    details: { field: flag, value },
  });
}
