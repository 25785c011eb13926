import Database from 'better-sqlite3';

import { PlatformError } from '../../core/errors.js';

/**
 * Runs `steps` in one `BEGIN IMMEDIATE` transaction. Taking the write lock up front makes a
 * second connection wait (up to `busy_timeout`) instead of reading a snapshot it could not
 * later write from. Errors leave as PlatformErrors.
 */
export function immediate<T>(db: Database.Database, attempt: string, steps: () => T): T {
  try {
    return db.transaction(steps).immediate();
  } catch (error) {
    throw storeError(attempt, error);
  }
}

/** Runs one statement outside a transaction, translating its errors. */
export function statement<T>(attempt: string, steps: () => T): T {
  try {
    return steps();
  } catch (error) {
    throw storeError(attempt, error);
  }
}

/** Translates a better-sqlite3 error into the shared vocabulary; PlatformErrors pass through. */
export function storeError(attempt: string, error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  if (!(error instanceof Database.SqliteError)) {
    return new PlatformError('unavailable', `${attempt}: the database failed`, { cause: error });
  }

  const details = { sqlite_code: error.code };
  if (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED') {
    return new PlatformError(
      'unavailable',
      `${attempt}: the database stayed locked past busy_timeout (${error.code})`,
      { cause: error, details },
    );
  }
  if (error.code.startsWith('SQLITE_CONSTRAINT')) {
    return new PlatformError('conflict', `${attempt}: a stored rule refused it (${error.code})`, {
      cause: error,
      details,
    });
  }
  return new PlatformError('unavailable', `${attempt}: the database failed (${error.code})`, {
    cause: error,
    details,
    retryable: false,
  });
}
