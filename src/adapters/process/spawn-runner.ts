import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';

import { PlatformError } from '../../core/errors.js';
import type { Logger } from '../../core/ports/telemetry.js';

/** How a runner process ended; both are null when it ended while no one was its parent. */
export interface RunnerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunnerCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** The runner's own folder; created if missing, `runner.log` goes there. */
  readonly dir: string;
  /** The whole environment of the process. Holds the JIT config: never log it. */
  readonly env: Readonly<Record<string, string>>;
  readonly runnerName: string;
  readonly logger: Logger;
}

export interface SpawnedRunner {
  readonly child: ChildProcess;
  /** Settles when the process exits. */
  readonly exit: Promise<RunnerExit>;
}

/**
 * Starts one runner process, detached in a process group of its own so that stopping the
 * control plane does not stop the build, with its output appended to `<dir>/runner.log`.
 * Resolves once the process runs; a command that cannot be run is a `rejected` PlatformError.
 */
export async function spawnRunner(runner: RunnerCommand): Promise<SpawnedRunner> {
  const { command, runnerName } = runner;
  const log = await openRunnerLog(runner);

  try {
    const child = spawn(command, [...runner.args], {
      cwd: runner.dir,
      env: runner.env,
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
    // Listened for at once: a runner that fails fast may exit before the next await returns.
    const exit = new Promise<RunnerExit>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });

    child.on('error', (error) => {
      runner.logger.warn('runner process error', { runner_name: runnerName, err: error.message });
    });
    // Unreferenced too: the control plane may exit and leave the build running.
    child.unref();
    return { child, exit };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new PlatformError(
      'rejected',
      `launching runner ${runnerName}: could not start the runner command "${command}" (${code})`,
      { cause: error, details: { command, code } },
    );
  } finally {
    await log.close();
  }
}

async function openRunnerLog(runner: RunnerCommand): Promise<FileHandle> {
  try {
    await mkdir(runner.dir, { recursive: true });
    return await open(join(runner.dir, 'runner.log'), 'a');
  } catch (error) {
    throw new PlatformError(
      'unavailable',
      `launching runner ${runner.runnerName}: could not prepare its folder ${runner.dir}`,
      { cause: error },
    );
  }
}
