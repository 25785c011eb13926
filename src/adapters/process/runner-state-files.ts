import { mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { RunnerTags } from '../../core/ports/compute.js';
import type { Logger } from '../../core/ports/telemetry.js';

/** What survives a restart of the control plane about one runner process. Holds no secret. */
export interface RunnerProcessRecord {
  readonly runnerName: string;
  readonly pid: number;
  /** Linux start time of the process, so a recycled pid is not taken for the runner. */
  readonly startTicks: string | undefined;
  readonly tags: RunnerTags;
  readonly launchedAt: string;
  /** The shape it was started as; absent in files written before it was kept. */
  readonly machine?: string;
}

const SUFFIX = '.json';

/**
 * One JSON file per live runner process, `<stateDir>/<runner name>.json`. Removing a file is
 * what marks its runner finished: only the caller whose `remove` found the file reports the
 * exit, so it is reported once even when several watchers notice it.
 */
export class RunnerStateFiles {
  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  async write(record: RunnerProcessRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });

    // Written aside and renamed, so a reader never sees half a file.
    const path = this.pathOf(record.runnerName);
    const draft = `${path}.${process.pid}.tmp`;
    await writeFile(draft, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    await rename(draft, path);
  }

  /** Every readable record; unreadable files are logged and skipped. */
  async readAll(): Promise<RunnerProcessRecord[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });

    const records = await Promise.all(
      names.filter((name) => name.endsWith(SUFFIX)).map((name) => this.read(name)),
    );
    return records.filter((record): record is RunnerProcessRecord => record !== undefined);
  }

  /** Removes the runner's file; true when this call removed it, false when it was gone. */
  async remove(runnerName: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(runnerName));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  private async read(fileName: string): Promise<RunnerProcessRecord | undefined> {
    const path = join(this.dir, fileName);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.logger.warn('skipping an unreadable runner state file', { path, reason: 'unreadable' });
      return undefined;
    }

    if (!isRecord(parsed) || `${parsed.runnerName}${SUFFIX}` !== fileName) {
      this.logger.warn('skipping a malformed runner state file', { path, reason: 'malformed' });
      return undefined;
    }
    return parsed;
  }

  private pathOf(runnerName: string): string {
    return join(this.dir, `${runnerName}${SUFFIX}`);
  }
}

function isRecord(value: unknown): value is RunnerProcessRecord {
  if (typeof value !== 'object' || value === null) return false;

  const record = value as Record<string, unknown>;
  return (
    typeof record.runnerName === 'string' &&
    typeof record.pid === 'number' &&
    Number.isInteger(record.pid) &&
    record.pid > 1 &&
    (record.startTicks === undefined || typeof record.startTicks === 'string') &&
    typeof record.tags === 'object' &&
    record.tags !== null &&
    typeof record.launchedAt === 'string' &&
    (record.machine === undefined || typeof record.machine === 'string')
  );
}
