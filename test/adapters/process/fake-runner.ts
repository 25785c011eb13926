import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { MemoryJitHandoff } from '../../../src/adapters/memory/memory-jit-handoff.js';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import type {
  ProcessComputeOptions,
  RunnerExit,
} from '../../../src/adapters/process/process-compute.js';
import { ProcessCompute } from '../../../src/adapters/process/process-compute.js';
import type { LaunchSpec, LaunchedMachine } from '../../../src/core/ports/compute.js';
import type { LogFields, Logger } from '../../../src/core/ports/telemetry.js';

/**
 * A stand-in for the official runner. What it does comes from the last part of its runner
 * name: `exit<N>` exits with N, `sleep` runs until signalled, `family` also starts a child of
 * its own, `leaver` starts a child and exits without it, `stubborn` ignores SIGTERM. It first
 * writes `report.json` in its folder: the names of the variables it got, whether the JIT
 * config was the one meant for it, and its identity.
 */
const SCRIPT = `
import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';

const env = process.env;
const name = env.GHR_RUNNER_NAME ?? '';
const mode = name.slice(name.lastIndexOf('-') + 1);
const report = {
  names: Object.keys(env).sort(),
  jitMatches: env.ACTIONS_RUNNER_INPUT_JITCONFIG === 'jit-for-' + name,
  identity: {
    tenantId: env.GHR_TENANT_ID,
    tenantTier: env.GHR_TENANT_TIER,
    runnerTier: env.GHR_RUNNER_TIER,
    runnerName: env.GHR_RUNNER_NAME,
    environment: env.GHR_ENVIRONMENT,
  },
  extra: env.EXTRA_FOR_RUNNER,
  cwd: process.cwd(),
  pid: process.pid,
};
console.log('variables: ' + report.names.join(' '));

if (mode === 'family' || mode === 'leaver') {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  report.grandchild = child.pid;
}
if (mode === 'stubborn') process.on('SIGTERM', () => console.log('not stopping for SIGTERM'));

writeFileSync('report.json.tmp', JSON.stringify(report));
renameSync('report.json.tmp', 'report.json');

if (mode.startsWith('exit') || mode === 'leaver') process.exit(Number(mode.slice(4)) || 0);
setInterval(() => {}, 1000);
`;

export interface RunnerReport {
  readonly names: string[];
  readonly jitMatches: boolean;
  readonly identity: Record<string, string>;
  readonly extra: string | undefined;
  readonly cwd: string;
  readonly pid: number;
  readonly grandchild?: number;
}

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields;
}

/** Keeps every line, bindings merged in, so tests can look for what was (not) logged. */
export class CapturingLogger implements Logger {
  constructor(
    readonly lines: LogLine[] = [],
    private readonly bindings: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.push('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.push('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.push('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.push('error', message, fields);
  }
  child(bindings: LogFields): Logger {
    return new CapturingLogger(this.lines, { ...this.bindings, ...bindings });
  }

  private push(level: string, message: string, fields: LogFields = {}): void {
    this.lines.push({ level, message, fields: { ...this.bindings, ...fields } });
  }
}

/** A temp folder with the script, and what a test needs to build and watch a ProcessCompute. */
export class RunnerBench {
  readonly root = mkdtempSync(join(tmpdir(), 'ghr-process-'));
  readonly script = join(this.root, 'fake-runner.mjs');
  readonly workDir = join(this.root, 'work');
  readonly stateDir = join(this.root, 'state');
  readonly handoff = new MemoryJitHandoff();
  readonly logger = new CapturingLogger();
  readonly exits: { runnerName: string; exit: RunnerExit }[] = [];
  private readonly computes: ProcessCompute[] = [];
  private readonly pids = new Set<number>();

  constructor() {
    writeFileSync(this.script, SCRIPT);
  }

  compute(overrides: Partial<ProcessComputeOptions> = {}): ProcessCompute {
    const compute = new ProcessCompute({
      command: process.execPath,
      args: [this.script],
      workDir: this.workDir,
      stateDir: this.stateDir,
      handoff: this.handoff,
      logger: this.logger,
      clock: new ManualClock(Date.UTC(2025, 4, 1, 12)),
      env: { EXTRA_FOR_RUNNER: 'extra-value' },
      onExit: (runnerName, exit) => this.exits.push({ runnerName, exit }),
      shutdownGraceMs: 2_000,
      pollIntervalMs: 50,
      ...overrides,
    });
    this.computes.push(compute);
    return compute;
  }

  /** Puts the runner's JIT config in the handoff and returns its launch spec. */
  async prepare(runnerName: string, installationId = 101): Promise<LaunchSpec> {
    const spec = launchSpec(runnerName, installationId);
    await this.handoff.put(runnerName, jitConfigFor(runnerName), spec.tags);
    return spec;
  }

  /** Launches through `compute` and tracks the process for `cleanUp`. */
  async launch(compute: ProcessCompute, spec: LaunchSpec): Promise<LaunchedMachine> {
    const machine = await compute.launch(spec);
    this.track(Number(machine.computeId));
    return machine;
  }

  /** Remembers a pid (and its group) so `cleanUp` kills it even when a test fails half-way. */
  track(pid: number): number {
    if (pid > 1) this.pids.add(pid);
    return pid;
  }

  async report(runnerName: string): Promise<RunnerReport> {
    const path = join(this.workDir, runnerName, 'report.json');
    await waitFor(() => existsSync(path), `report of ${runnerName}`);
    return JSON.parse(readFileSync(path, 'utf8')) as RunnerReport;
  }

  exitsOf(runnerName: string): RunnerExit[] {
    return this.exits.filter((e) => e.runnerName === runnerName).map((e) => e.exit);
  }

  stateFile(runnerName: string): string {
    return join(this.stateDir, `${runnerName}.json`);
  }

  cleanUp(): void {
    this.computes.forEach((compute) => compute.close());
    for (const pid of this.pids) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // Already gone, as it should be.
        }
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function jitConfigFor(runnerName: string): string {
  return `jit-for-${runnerName}`;
}

export function launchSpec(runnerName: string, installationId: number): LaunchSpec {
  return {
    runnerName,
    installationId,
    tier: 'small',
    tenantTier: 'pro',
    instanceTypes: ['local-4cpu'],
    spot: false,
    tags: {
      'ghr:tenant_id': String(installationId),
      'ghr:tenant_tier': 'pro',
      'ghr:runner_tier': 'small',
      'ghr:environment': 'test-env',
      'ghr:runner_name': runnerName,
    },
  };
}

/** True while `pid` runs; a zombie (exited, never reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return false;
    }
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `condition` holds; fails after `timeoutMs` naming what it waited for. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
