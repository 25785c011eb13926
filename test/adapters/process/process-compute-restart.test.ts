import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RunnerBench, isAlive, launchSpec, waitFor } from './fake-runner.js';

const HAS_PROC = existsSync('/proc/self/stat');

let bench: RunnerBench;

beforeAll(() => {
  bench = new RunnerBench();
  mkdirSync(bench.stateDir, { recursive: true });
});

afterAll(() => bench.cleanUp());

describe('ProcessCompute after a restart', () => {
  it('adopts a live runner from the state files and sees its exit once', async () => {
    const before = bench.compute();
    const spec = await bench.prepare('ghr-201-small-sleep', 201);
    const machine = await bench.launch(before, spec);
    const pid = Number(machine.computeId);
    await bench.report(spec.runnerName);
    before.close();

    const after = bench.compute();
    const adopted = await after.adopt();
    process.kill(-pid, 'SIGTERM');
    await waitFor(() => bench.exitsOf(spec.runnerName).length > 0, 'the adopted exit');
    await sleep(200);

    expect(adopted).toEqual([
      {
        computeId: machine.computeId,
        machine: machine.machine,
        runnerName: spec.runnerName,
        tags: spec.tags,
        launchedAt: '2025-05-01T12:00:00.000Z',
      },
    ]);
    expect(bench.exitsOf(spec.runnerName)).toEqual([{ code: null, signal: null }]);
    expect(existsSync(bench.stateFile(spec.runnerName))).toBe(false);
    expect(await after.list()).toEqual([]);
  });

  it('reports an exit once when two instances watch the same runner', async () => {
    const starter = bench.compute();
    const spec = await bench.prepare('ghr-207-small-sleep', 207);
    const machine = await bench.launch(starter, spec);
    const pid = Number(machine.computeId);
    await bench.report(spec.runnerName);
    const watcher = bench.compute();
    expect(await watcher.adopt()).toHaveLength(1);

    process.kill(-pid, 'SIGTERM');
    await waitFor(() => bench.exitsOf(spec.runnerName).length > 0, 'the exit');
    await sleep(200);
    await Promise.all([starter.list(), watcher.list()]);

    expect(bench.exitsOf(spec.runnerName)).toHaveLength(1);
  });

  it('stops an adopted runner with its whole group', async () => {
    const before = bench.compute();
    const spec = await bench.prepare('ghr-202-small-family', 202);
    const machine = await bench.launch(before, spec);
    const report = await bench.report(spec.runnerName);
    const grandchild = bench.track(report.grandchild ?? 0);
    before.close();

    const after = bench.compute();
    await after.adopt();
    expect((await after.list()).map((m) => m.runnerName)).toContain(spec.runnerName);
    await after.stop(machine.computeId);

    expect(isAlive(report.pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
    expect(bench.exitsOf(spec.runnerName)).toHaveLength(1);
    expect(await after.list()).toEqual([]);
  });

  it('reports at once a runner that ended while no one watched, on adopt', async () => {
    const name = 'ghr-203-small-exit0';
    writeRecord(name, await deadPid(), '1');

    const adopted = await bench.compute().adopt();

    expect(adopted).toEqual([]);
    expect(bench.exitsOf(name)).toEqual([{ code: null, signal: null }]);
    expect(existsSync(bench.stateFile(name))).toBe(false);
  });

  it('drops dead runners from list, reporting each once', async () => {
    const name = 'ghr-204-small-exit0';
    writeRecord(name, await deadPid(), '1');
    const compute = bench.compute();

    const first = await compute.list();
    const second = await compute.list();

    expect(first.map((m) => m.runnerName)).not.toContain(name);
    expect(second.map((m) => m.runnerName)).not.toContain(name);
    expect(bench.exitsOf(name)).toHaveLength(1);
    expect(existsSync(bench.stateFile(name))).toBe(false);
  });

  it.skipIf(!HAS_PROC)('does not take a recycled pid for the runner, nor signal it', async () => {
    const name = 'ghr-205-small-sleep';
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      detached: true,
      stdio: 'ignore',
    });
    const strangerPid = bench.track(stranger.pid ?? 0);
    writeRecord(name, strangerPid, '1');
    const compute = bench.compute();

    const adopted = await compute.adopt();
    await compute.stop(String(strangerPid));

    expect(adopted).toEqual([]);
    expect(bench.exitsOf(name)).toHaveLength(1);
    expect(isAlive(strangerPid)).toBe(true);
    stranger.kill('SIGKILL');
  });

  it('skips a state file it cannot read, with a warning', async () => {
    writeFileSync(join(bench.stateDir, 'ghr-206-small-sleep.json'), '{ not json');
    const compute = bench.compute();

    const machines = await compute.list();

    expect(machines.map((m) => m.runnerName)).not.toContain('ghr-206-small-sleep');
    expect(bench.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'skipping an unreadable runner state file',
      }),
    );
  });
});

/** A pid that just ended, as a crashed control plane would leave in a state file. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
}

function writeRecord(runnerName: string, pid: number, startTicks: string): void {
  const spec = launchSpec(runnerName, 200);
  const record = {
    runnerName,
    pid,
    startTicks,
    tags: spec.tags,
    launchedAt: '2025-05-01T11:00:00.000Z',
  };
  writeFileSync(bench.stateFile(runnerName), JSON.stringify(record));
}
