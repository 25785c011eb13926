import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { PlatformError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import { isoTime } from '../../core/ports/clock.js';
import type {
  ComputeProvider,
  LaunchSpec,
  LaunchedMachine,
  MachineInfo,
} from '../../core/ports/compute.js';
import type { JitHandoff } from '../../core/ports/jit-handoff.js';
import type { Logger } from '../../core/ports/telemetry.js';
import {
  isGroupRunning,
  isLeaderRunning,
  processStartTicks,
  signalGroup,
} from './process-group.js';
import { runnerEnvironment } from './runner-environment.js';
import type { RunnerProcessRecord } from './runner-state-files.js';
import { RunnerStateFiles } from './runner-state-files.js';
import type { RunnerExit } from './spawn-runner.js';
import { spawnRunner } from './spawn-runner.js';

export type { RunnerExit } from './spawn-runner.js';

export interface ProcessComputeOptions {
  /** What starts one runner: the official runner's `run.sh`, or a container command. */
  readonly command: string;
  readonly args: readonly string[];
  /** Each runner runs in `<workDir>/<runner name>`, its output in `runner.log` there. */
  readonly workDir: string;
  /** Where `<runner name>.json` records each live runner process. */
  readonly stateDir: string;
  readonly handoff: JitHandoff;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Extra environment variables for every runner. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called once per runner process when it is gone, however that was noticed. */
  readonly onExit: (runnerName: string, exit: RunnerExit) => void;
  /** Time between SIGTERM and SIGKILL on `stop`. */
  readonly shutdownGraceMs: number;
  /** How often adopted processes are checked for their exit; default one second. */
  readonly pollIntervalMs?: number;
}

interface Watched {
  readonly record: RunnerProcessRecord;
  /** Set for processes this instance started; adopted ones are polled instead. */
  readonly child: ChildProcess | undefined;
  /** Settles once the exit was handled (own processes only). */
  readonly handled: Promise<void> | undefined;
}

const RUNNER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const STOP_POLL_MS = 50;
/** After SIGKILL, how long to wait for the kernel before giving up on a process. */
const KILL_WAIT_MS = 5_000;
const UNKNOWN_EXIT: RunnerExit = { code: null, signal: null };

/**
 * Runners as local processes. Each runs detached, in its own process group, so a restart of
 * the control plane leaves customer builds running; a state file per runner lets the next
 * start `adopt` them. The JIT config goes to the process in its environment only: it is
 * never written to disk here and never logged.
 */
export class ProcessCompute implements ComputeProvider {
  private readonly files: RunnerStateFiles;
  private readonly watched = new Map<string, Watched>();
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ProcessComputeOptions) {
    this.files = new RunnerStateFiles(options.stateDir, options.logger);
  }

  async launch(spec: LaunchSpec): Promise<LaunchedMachine> {
    const name = spec.runnerName;
    if (!RUNNER_NAME.test(name)) {
      throw new PlatformError(
        'invalid_input',
        `launching runner ${JSON.stringify(name)}: a runner name must be 1 to 64 letters, digits, dots, dashes or underscores`,
      );
    }
    const jitConfig = await this.options.handoff.take(name);
    if (jitConfig === undefined) {
      throw new PlatformError(
        'not_found',
        `launching runner ${name}: no JIT config is waiting in the handoff (never put, or already taken)`,
        { retryable: false },
      );
    }

    const { child, exit } = await spawnRunner({
      command: this.options.command,
      args: this.options.args,
      dir: join(this.options.workDir, name),
      env: runnerEnvironment(process.env, this.options.env ?? {}, spec, jitConfig),
      runnerName: name,
      logger: this.options.logger,
    });
    const pid = child.pid as number;
    const machine = spec.instanceTypes[0] ?? 'local';

    const record: RunnerProcessRecord = {
      runnerName: name,
      pid,
      startTicks: processStartTicks(pid),
      tags: spec.tags,
      launchedAt: isoTime(this.options.clock),
      machine,
    };
    await this.remember(record);
    const handled = exit.then((result) => this.onChildExit(record, result));
    this.watched.set(name, { record, child, handled });

    this.logFor(record).info('runner process started', {
      pid,
      runner_tier: spec.tier,
      tenant_tier: spec.tenantTier,
    });
    return { computeId: String(pid), machine };
  }

  async stop(computeId: string): Promise<void> {
    const pid = Number(computeId);
    if (!/^\d+$/.test(computeId) || pid <= 1) {
      throw new PlatformError(
        'invalid_input',
        `stopping runner process ${JSON.stringify(computeId)}: a process id must be a whole number above 1`,
      );
    }
    const entry = await this.findByPid(pid);
    if (entry === undefined) return;

    const { record } = entry;
    const log = this.logFor(record);
    if (this.groupRunning(record)) {
      log.info('stopping runner process', { pid, grace_ms: this.options.shutdownGraceMs });
      signalGroup(pid, 'SIGTERM');

      if (!(await this.waitUntilGone(entry, this.options.shutdownGraceMs))) {
        log.warn('runner process outlived its grace period; killing it', { pid });
        signalGroup(pid, 'SIGKILL');
      }
      if (!(await this.waitUntilGone(entry, KILL_WAIT_MS))) {
        throw new PlatformError(
          'unavailable',
          `stopping runner ${record.runnerName}: process group ${pid} is still there after SIGKILL`,
        );
      }
    }

    if (entry.handled !== undefined) await entry.handled;
    else await this.finish(record, UNKNOWN_EXIT);
  }

  /** Finds the process by the runner's name, in memory or in its state file, and stops it. */
  async stopRunner(runnerName: string): Promise<void> {
    const record =
      this.watched.get(runnerName)?.record ??
      (await this.files.readAll()).find((candidate) => candidate.runnerName === runnerName);
    if (record !== undefined) await this.stop(String(record.pid));
  }

  async list(filter: { readonly installationId?: number } = {}): Promise<MachineInfo[]> {
    const machines: MachineInfo[] = [];

    for (const record of await this.files.readAll()) {
      const own = this.watched.get(record.runnerName)?.child;
      const running = own !== undefined ? !hasExited(own) : this.leaderRunning(record);
      if (!running) {
        if (own === undefined) await this.finish(record, UNKNOWN_EXIT);
        continue;
      }
      if (matches(record, filter)) machines.push(machineOf(record));
    }
    return machines;
  }

  /**
   * Takes over the runner processes an earlier instance started, as its state files list them:
   * live ones are watched until they exit, ones already gone are reported at once.
   */
  async adopt(): Promise<MachineInfo[]> {
    const adopted: MachineInfo[] = [];

    for (const record of await this.files.readAll()) {
      if (this.watched.has(record.runnerName)) continue;
      if (!this.leaderRunning(record)) {
        await this.finish(record, UNKNOWN_EXIT);
        continue;
      }
      this.watched.set(record.runnerName, { record, child: undefined, handled: undefined });
      this.logFor(record).info('adopted runner process', { pid: record.pid });
      adopted.push(machineOf(record));
    }

    this.schedulePolling();
    return adopted;
  }

  /** Stops watching; the runner processes keep running for the next instance to adopt. */
  close(): void {
    this.closed = true;
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** Records the process; if that fails, the process must not run on untracked. */
  private async remember(record: RunnerProcessRecord): Promise<void> {
    try {
      await this.files.write(record);
    } catch (error) {
      signalGroup(record.pid, 'SIGKILL');
      throw new PlatformError(
        'unavailable',
        `launching runner ${record.runnerName}: could not write its state file in ${this.options.stateDir}`,
        { cause: error },
      );
    }
  }

  private async onChildExit(record: RunnerProcessRecord, exit: RunnerExit): Promise<void> {
    // A closed instance leaves the exit to whichever instance adopted the process.
    if (this.closed) return;
    await this.finish(record, exit);
  }

  /** Reports the runner gone, once: only the call that removes its state file goes on. */
  private async finish(record: RunnerProcessRecord, exit: RunnerExit): Promise<void> {
    this.watched.delete(record.runnerName);
    // What the runner left behind in its group goes with it: the next job may be another tenant's.
    if (this.groupRunning(record)) signalGroup(record.pid, 'SIGKILL');
    if (!(await this.files.remove(record.runnerName))) return;

    this.logFor(record).info('runner process exited', {
      pid: record.pid,
      exit_code: exit.code,
      signal: exit.signal,
    });
    try {
      this.options.onExit(record.runnerName, exit);
    } catch (error) {
      this.logFor(record).error('runner exit handler failed', { err: error });
    }
  }

  private schedulePolling(): void {
    if (this.pollTimer !== undefined || this.closed) return;

    this.pollTimer = setInterval(() => {
      this.pollAdopted().catch((error: unknown) => {
        this.options.logger.error('checking adopted runner processes failed', { err: error });
      });
    }, this.options.pollIntervalMs ?? 1_000);
    this.pollTimer.unref();
  }

  private async pollAdopted(): Promise<void> {
    const adopted = [...this.watched.values()].filter((entry) => entry.child === undefined);
    for (const entry of adopted) {
      if (!this.leaderRunning(entry.record)) await this.finish(entry.record, UNKNOWN_EXIT);
    }
  }

  private async findByPid(pid: number): Promise<Watched | undefined> {
    for (const entry of this.watched.values()) {
      if (entry.record.pid === pid) return entry;
    }
    const record = (await this.files.readAll()).find((r) => r.pid === pid);
    return record === undefined ? undefined : { record, child: undefined, handled: undefined };
  }

  private async waitUntilGone(entry: Watched, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      const leaderDone = entry.child === undefined || hasExited(entry.child);
      if (leaderDone && !this.groupRunning(entry.record)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(STOP_POLL_MS);
    }
  }

  private leaderRunning(record: RunnerProcessRecord): boolean {
    return isLeaderRunning(record.pid, record.startTicks);
  }

  private groupRunning(record: RunnerProcessRecord): boolean {
    return isGroupRunning(record.pid, record.startTicks);
  }

  private logFor(record: RunnerProcessRecord): Logger {
    return this.options.logger.child({
      runner_name: record.runnerName,
      installation_id: Number(record.tags['ghr:tenant_id']),
    });
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function matches(record: RunnerProcessRecord, filter: { readonly installationId?: number }) {
  return (
    filter.installationId === undefined ||
    record.tags['ghr:tenant_id'] === String(filter.installationId)
  );
}

function machineOf(record: RunnerProcessRecord): MachineInfo {
  return {
    computeId: String(record.pid),
    machine: record.machine,
    runnerName: record.runnerName,
    tags: record.tags,
    launchedAt: record.launchedAt,
  };
}
