import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import {
  ORG_INSTALLATION,
  USER_INSTALLATION,
  registerRunner,
  startTestSimulator,
  startWebhookReceiver,
  waitFor,
  type WebhookReceiver,
} from './sim-test-kit.js';
import type { GitHubSimulator } from './simulator-types.js';

const FAKE_RUNNER = fileURLToPath(new URL('../fake-runner/fake-runner.mjs', import.meta.url));
const SMALL = ['self-hosted', 'linux', 'x64', 'small'];

let sim: GitHubSimulator | undefined;
let receiver: WebhookReceiver | undefined;
const children: RunnerProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

interface RunnerProcess {
  output(): string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts the fake runner as a real process, the way the control plane starts runners. */
function startRunner(options: { env?: Record<string, string>; args?: string[] }): RunnerProcess {
  const child = spawn(process.execPath, [FAKE_RUNNER, ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const handle = {
    output: () => output,
    exited,
    kill: (signal: NodeJS.Signals = 'SIGKILL') => {
      if (child.exitCode === null) child.kill(signal);
    },
  };
  children.push(handle);
  return handle;
}

/** Resolves with the exit code, or fails after `timeoutMs`. */
async function exitOf(runner: RunnerProcess, timeoutMs = 15_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`runner still running after ${timeoutMs} ms:\n${runner.output()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([runner.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fake runner', () => {
  it('takes a queued job, runs it, and exits 0 after GitHub was told', async () => {
    receiver = await startWebhookReceiver();
    sim = await startTestSimulator({ webhook: { url: receiver.url, secret: receiver.secret } });
    const registered = await registerRunner(
      sim,
      ORG_INSTALLATION.id,
      { owner: 'acme' },
      'acme-small-1',
      SMALL,
    );
    const credential = (
      JSON.parse(Buffer.from(registered.encodedJitConfig, 'base64').toString()) as {
        credential: string;
      }
    ).credential;

    const runner = startRunner({
      env: { ACTIONS_RUNNER_INPUT_JITCONFIG: registered.encodedJitConfig },
    });
    await waitFor('the runner to come online', () => sim?.runners()[0]?.status === 'online');
    const { job } = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: SMALL,
      durationMs: 200,
    });
    const code = await exitOf(runner);

    expect(code).toBe(0);
    // Checked at the moment of exit, without waiting: the webhooks were sent before it.
    const events = receiver.deliveries.map((d) => (d.payload as { action: string }).action);
    expect(events).toEqual(['queued', 'in_progress', 'completed']);
    expect(receiver.deliveries.every((d) => d.signatureValid)).toBe(true);
    expect(receiver.deliveries[2]?.payload).toMatchObject({
      workflow_job: {
        id: job.id,
        conclusion: 'success',
        runner_name: 'acme-small-1',
        runner_id: registered.id,
      },
    });
    expect(sim.jobs()).toEqual([
      expect.objectContaining({ id: job.id, status: 'completed', runnerName: 'acme-small-1' }),
    ]);
    expect(sim.runners()).toEqual([]);
    expect(runner.output()).toContain(`running job ${job.id} of acme/api`);
    expect(runner.output()).not.toContain(credential);
    expect(runner.output()).not.toContain(registered.encodedJitConfig);
  });

  it('refuses a second runner started with the same JIT config', async () => {
    sim = await startTestSimulator();
    const registered = await registerRunner(
      sim,
      ORG_INSTALLATION.id,
      { owner: 'acme' },
      'acme-small-1',
      SMALL,
    );
    const first = startRunner({
      env: { ACTIONS_RUNNER_INPUT_JITCONFIG: registered.encodedJitConfig },
    });
    await waitFor('the first runner to come online', () => sim?.runners()[0]?.status === 'online');

    const second = startRunner({ args: ['--jitconfig', registered.encodedJitConfig] });

    expect(await exitOf(second)).toBe(1);
    expect(second.output()).toMatch(/registration refused \(409\)/);
    await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'web',
      labels: SMALL,
      durationMs: 50,
    });
    expect(await exitOf(first)).toBe(0);
    expect(sim.jobs()[0]).toMatchObject({ status: 'completed', runnerName: 'acme-small-1' });
  });

  it('serves a User account’s repository as a repository runner', async () => {
    sim = await startTestSimulator();
    const registered = await registerRunner(
      sim,
      USER_INSTALLATION.id,
      { owner: 'solo-dev', repo: 'dotfiles' },
      'solo-1',
      SMALL,
    );
    const { job } = await sim.queueJob({
      installationId: USER_INSTALLATION.id,
      repository: 'dotfiles',
      labels: SMALL,
      durationMs: 50,
    });

    const runner = startRunner({
      env: { ACTIONS_RUNNER_INPUT_JITCONFIG: registered.encodedJitConfig },
    });

    expect(await exitOf(runner)).toBe(0);
    expect(sim.jobs()).toEqual([
      expect.objectContaining({ id: job.id, status: 'completed', runnerName: 'solo-1' }),
    ]);
  });

  it('goes offline and exits 0 when no job comes before the idle timeout', async () => {
    sim = await startTestSimulator();
    const registered = await registerRunner(
      sim,
      ORG_INSTALLATION.id,
      { owner: 'acme' },
      'idle-1',
      SMALL,
    );
    await sim.queueJob({ installationId: ORG_INSTALLATION.id, repository: 'api', labels: ['gpu'] });

    const runner = startRunner({
      env: {
        ACTIONS_RUNNER_INPUT_JITCONFIG: registered.encodedJitConfig,
        FAKE_RUNNER_IDLE_TIMEOUT_MS: '300',
      },
    });

    expect(await exitOf(runner)).toBe(0);
    expect(runner.output()).toContain('no job before the idle timeout');
    expect(sim.runners()).toEqual([
      expect.objectContaining({ name: 'idle-1', status: 'offline', busy: false }),
    ]);
    expect(sim.jobs()[0]?.status).toBe('queued');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'goes offline and exits promptly on %s',
    async (signal) => {
      sim = await startTestSimulator();
      const registered = await registerRunner(
        sim,
        ORG_INSTALLATION.id,
        { owner: 'acme' },
        'stop-1',
        SMALL,
      );
      const runner = startRunner({
        env: { ACTIONS_RUNNER_INPUT_JITCONFIG: registered.encodedJitConfig },
      });
      await waitFor('the runner to come online', () => sim?.runners()[0]?.status === 'online');

      runner.kill(signal);

      expect(await exitOf(runner, 5_000)).toBe(0);
      expect(runner.output()).toContain(`received ${signal}`);
      expect(sim.runners()).toEqual([
        expect.objectContaining({ name: 'stop-1', status: 'offline' }),
      ]);
    },
  );

  it('exits 2 without a JIT config, and 2 for one that is not base64 JSON', async () => {
    const missing = startRunner({});
    const garbled = startRunner({ env: { ACTIONS_RUNNER_INPUT_JITCONFIG: '%%%not-a-config' } });

    expect(await exitOf(missing)).toBe(2);
    expect(missing.output()).toContain('no JIT config');
    expect(await exitOf(garbled)).toBe(2);
  });
});
