import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PlatformError } from '../../../src/core/errors.js';
import { RunnerBench, isAlive, jitConfigFor, launchSpec, waitFor } from './fake-runner.js';

const PARENT_SECRET = 'parent-private-key-never-for-runners';

let bench: RunnerBench;
let savedKey: string | undefined;

beforeAll(() => {
  bench = new RunnerBench();
  savedKey = process.env.GITHUB_APP_PRIVATE_KEY;
  process.env.GITHUB_APP_PRIVATE_KEY = PARENT_SECRET;
});

afterAll(() => {
  if (savedKey === undefined) delete process.env.GITHUB_APP_PRIVATE_KEY;
  else process.env.GITHUB_APP_PRIVATE_KEY = savedKey;
  bench.cleanUp();
});

describe('ProcessCompute.launch', () => {
  it('starts the command in its own folder with the JIT config and the runner identity', async () => {
    const compute = bench.compute();
    const spec = await bench.prepare('ghr-101-small-exit0');

    const machine = await bench.launch(compute, spec);
    const report = await bench.report(spec.runnerName);

    expect(machine).toEqual({ computeId: String(report.pid), machine: 'local-4cpu' });
    expect(report.jitMatches).toBe(true);
    expect(report.identity).toEqual({
      tenantId: '101',
      tenantTier: 'pro',
      runnerTier: 'small',
      runnerName: 'ghr-101-small-exit0',
      environment: 'test-env',
    });
    expect(report.extra).toBe('extra-value');
    expect(report.cwd).toBe(join(bench.workDir, spec.runnerName));
    expect(report.names).toContain('ACTIONS_RUNNER_INPUT_JITCONFIG');
    expect(report.names).toContain('PATH');
    expect(report.names).not.toContain('GITHUB_APP_PRIVATE_KEY');
    expect(await bench.handoff.list()).toEqual([]);
  });

  it('sends the output to runner.log in the runner folder', async () => {
    const compute = bench.compute();
    const spec = await bench.prepare('ghr-101-small-exit1');

    await bench.launch(compute, spec);
    await waitFor(() => bench.exitsOf(spec.runnerName).length === 1, 'the exit');

    const log = readFileSync(join(bench.workDir, spec.runnerName, 'runner.log'), 'utf8');
    expect(log).toContain('variables: ');
    expect(log).toContain('GHR_RUNNER_NAME');
  });

  it('records the process in a state file, without the JIT config', async () => {
    const compute = bench.compute();
    const spec = await bench.prepare('ghr-102-small-sleep', 102);

    const machine = await bench.launch(compute, spec);

    const state = JSON.parse(readFileSync(bench.stateFile(spec.runnerName), 'utf8'));
    expect(state).toMatchObject({
      runnerName: spec.runnerName,
      pid: Number(machine.computeId),
      tags: spec.tags,
      launchedAt: '2025-05-01T12:00:00.000Z',
    });
    expect(JSON.stringify(state)).not.toContain(jitConfigFor(spec.runnerName));
    expect(await compute.list({ installationId: 102 })).toEqual([
      {
        computeId: machine.computeId,
        machine: machine.machine,
        runnerName: spec.runnerName,
        tags: spec.tags,
        launchedAt: '2025-05-01T12:00:00.000Z',
      },
    ]);
    expect(await compute.list({ installationId: 999 })).toEqual([]);

    await compute.stop(machine.computeId);
  });

  it('refuses a runner whose JIT config is not in the handoff, starting nothing', async () => {
    const compute = bench.compute();
    const spec = launchSpec('ghr-103-small-exit0', 103);

    const error = await compute.launch(spec).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ code: 'not_found', retryable: false });
    expect(existsSync(join(bench.workDir, spec.runnerName))).toBe(false);
    expect(existsSync(bench.stateFile(spec.runnerName))).toBe(false);
  });

  it.each([
    ['a command that does not exist', () => join(bench.root, 'no-such-runner'), 'ENOENT'],
    ['a command that may not be executed', () => notExecutable(), 'EACCES'],
  ])('rejects %s, naming the command', async (_case, command, code) => {
    const path = command();
    const compute = bench.compute({ command: path, args: [] });
    const spec = await bench.prepare(`ghr-104-small-${code.toLowerCase()}`, 104);

    const error = await compute.launch(spec).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ code: 'rejected', retryable: false, details: { code } });
    expect((error as Error).message).toContain(path);
    expect(existsSync(bench.stateFile(spec.runnerName))).toBe(false);
  });
});

describe('ProcessCompute exits', () => {
  it('reports an exit once, with its code, and forgets the process', async () => {
    const compute = bench.compute();
    const spec = await bench.prepare('ghr-105-small-exit7', 105);

    await bench.launch(compute, spec);
    await waitFor(() => bench.exitsOf(spec.runnerName).length > 0, 'the exit');
    await compute.list();
    await compute.adopt();
    await bench.compute().adopt();

    expect(bench.exitsOf(spec.runnerName)).toEqual([{ code: 7, signal: null }]);
    expect(existsSync(bench.stateFile(spec.runnerName))).toBe(false);
    expect(await compute.list({ installationId: 105 })).toEqual([]);
  });

  it('ends what the runner left behind in its process group when it exits', async () => {
    const compute = bench.compute();
    const spec = await bench.prepare('ghr-111-small-leaver', 111);

    await bench.launch(compute, spec);
    const report = await bench.report(spec.runnerName);
    const grandchild = bench.track(report.grandchild ?? 0);
    await waitFor(() => bench.exitsOf(spec.runnerName).length === 1, 'the exit');

    expect(bench.exitsOf(spec.runnerName)).toEqual([{ code: 0, signal: null }]);
    await waitFor(() => !isAlive(grandchild), 'the leftover child to end');
  });

  it('logs launch and exit with the runner name, installation and pid, never the JIT config', async () => {
    const compute = bench.compute();
    const spec = await bench.prepare('ghr-106-small-exit0', 106);

    const machine = await bench.launch(compute, spec);
    await waitFor(() => bench.exitsOf(spec.runnerName).length === 1, 'the exit');

    const mine = bench.logger.lines.filter((l) => l.fields.runner_name === spec.runnerName);
    expect(mine.map((l) => l.message)).toEqual(['runner process started', 'runner process exited']);
    for (const line of mine) {
      expect(line.fields).toMatchObject({ installation_id: 106, pid: Number(machine.computeId) });
    }
    const everything = JSON.stringify(bench.logger.lines);
    expect(everything).not.toContain('jit-for-');
    expect(everything).not.toContain(PARENT_SECRET);
  });
});

describe('ProcessCompute.stop', () => {
  it('stops the whole process group, a child of the runner too', async () => {
    const compute = bench.compute();
    const spec = await bench.prepare('ghr-107-small-family', 107);
    const machine = await bench.launch(compute, spec);
    const report = await bench.report(spec.runnerName);
    const grandchild = bench.track(report.grandchild ?? 0);
    expect(isAlive(grandchild)).toBe(true);

    await compute.stop(machine.computeId);

    expect(isAlive(report.pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
    expect(bench.exitsOf(spec.runnerName)).toEqual([{ code: null, signal: 'SIGTERM' }]);
    expect(existsSync(bench.stateFile(spec.runnerName))).toBe(false);
  });

  it('stops a runner found by its name, and one started by an earlier instance too', async () => {
    const compute = bench.compute();
    const spec = await bench.prepare('ghr-110-small-byname', 110);
    await bench.launch(compute, spec);
    const report = await bench.report(spec.runnerName);

    await bench.compute().stopRunner(spec.runnerName);
    await compute.stopRunner('ghr-110-small-unknown');

    expect(isAlive(report.pid)).toBe(false);
    expect(existsSync(bench.stateFile(spec.runnerName))).toBe(false);
  });

  it('kills a runner that ignores SIGTERM once the grace period is over', async () => {
    const compute = bench.compute({ shutdownGraceMs: 300 });
    const spec = await bench.prepare('ghr-108-small-stubborn', 108);
    const machine = await bench.launch(compute, spec);
    const report = await bench.report(spec.runnerName);

    await compute.stop(machine.computeId);

    expect(isAlive(report.pid)).toBe(false);
    expect(bench.exitsOf(spec.runnerName)).toEqual([{ code: null, signal: 'SIGKILL' }]);
  });

  it('is fine with a process that is already gone', async () => {
    const compute = bench.compute();
    const spec = await bench.prepare('ghr-109-small-exit0', 109);
    const machine = await bench.launch(compute, spec);
    await waitFor(() => bench.exitsOf(spec.runnerName).length === 1, 'the exit');

    await compute.stop(machine.computeId);

    expect(bench.exitsOf(spec.runnerName)).toHaveLength(1);
  });

  it('leaves alone a process that is not one of its runners', async () => {
    const compute = bench.compute();
    const stranger = await bench.prepare('ghr-110-small-sleep', 110);
    const strangerPid = Number(
      (await bench.compute({ stateDir: join(bench.root, 'other') }).launch(stranger)).computeId,
    );
    bench.track(strangerPid);

    await compute.stop(String(strangerPid));

    expect(isAlive(strangerPid)).toBe(true);
    process.kill(-strangerPid, 'SIGKILL');
  });

  it.each(['1', '0', '-5', 'i-0abc', ''])('refuses the compute id %j', async (computeId) => {
    const compute = bench.compute();

    await expect(compute.stop(computeId)).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

function notExecutable(): string {
  const path = join(bench.root, 'not-executable.sh');
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o644);
  return path;
}
