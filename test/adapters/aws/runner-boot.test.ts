import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Moto } from '../../support/moto.js';
import { startMoto } from '../../support/moto.js';
import type { FakeImds, FakeImdsOptions } from './fake-imds.js';
import { startFakeImds } from './fake-imds.js';

// The boot script runs for real (bash, curl), against a fake IMDSv2 on a loopback port, SSM in
// moto reached through a stand-in for the AWS CLI, a fake runner that records what it got, and
// a fake power-off. None of the script's defaults is used.

const SCRIPT = resolve('src/adapters/aws/runner-boot.sh');
const FAKE_CLI = resolve('test/adapters/aws/fake-aws-cli.mjs');
const ENV = 'ghr-boot';
const INSTANCE_ID = 'i-0123456789abcdef0';
const PARAMETER = `/${ENV}/runners/${INSTANCE_ID}`;
const JIT_CONFIG = 'eyJydW5uZXIiOiJnaHItNzAxLXNtYWxsLWEifQ-secret-value';
const RUN_LIMIT_MS = 30_000;
const HAS_SHELLCHECK = spawnSync('shellcheck', ['--version']).error === undefined;
const HAS_AWS_CLI = spawnSync('aws', ['--version']).error === undefined;

let moto: Moto;
let ssm: SSMClient;
let dir: string;
let imds: FakeImds | undefined;

beforeAll(async () => {
  moto = await startMoto();
  ssm = new SSMClient(moto.clientConfig);
});

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  dir = mkdtempSync(join(tmpdir(), 'ghr-boot-'));
  writeExecutable('runner', [
    'printf "runner-start\\n" >> "$EVENTS"',
    'printf "%s" "$ACTIONS_RUNNER_INPUT_JITCONFIG" > "$RUNNER_RECORD"',
    'printf "runner-exit\\n" >> "$EVENTS"',
    'exit 3',
  ]);
  writeExecutable('poweroff', ['printf "poweroff\\n" >> "$EVENTS"']);
  writeExecutable('aws', [`exec "${process.execPath}" "${FAKE_CLI}" "$@"`]);
  writeFileSync(join(dir, 'events'), '');
});

afterEach(async () => {
  await imds?.close();
  imds = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function writeExecutable(name: string, lines: string[]): void {
  writeFileSync(join(dir, name), ['#!/bin/sh', ...lines, ''].join('\n'), { mode: 0o755 });
}

async function putConfig(value = JIT_CONFIG): Promise<void> {
  await ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: value, Type: 'SecureString' }));
}

async function parameterExists(): Promise<boolean> {
  try {
    await ssm.send(new GetParameterCommand({ Name: PARAMETER }));
    return true;
  } catch {
    return false;
  }
}

function events(): string[] {
  return readFileSync(join(dir, 'events'), 'utf8').split('\n').filter(Boolean);
}

interface BootRun {
  readonly code: number | null;
  readonly output: string;
}

function boot(
  imdsOptions: Partial<FakeImdsOptions> = {},
  env: Record<string, string> = {},
): { started: Promise<void>; done: Promise<BootRun> } {
  let ready: () => void = () => {};
  const started = new Promise<void>((resolveStarted) => (ready = resolveStarted));

  const done = (async () => {
    imds = await startFakeImds({ instanceId: INSTANCE_ID, region: moto.region, ...imdsOptions });
    const child = spawn('bash', [SCRIPT], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        GHR_ENVIRONMENT: ENV,
        GHR_IMDS_ENDPOINT: imds.url,
        GHR_AWS_CLI: join(dir, 'aws'),
        GHR_RUNNER_COMMAND: join(dir, 'runner'),
        GHR_POWEROFF_COMMAND: join(dir, 'poweroff'),
        GHR_RUNNER_USER: '',
        GHR_JIT_WAIT_SECONDS: '20',
        GHR_JIT_POLL_SECONDS: '1',
        EVENTS: join(dir, 'events'),
        RUNNER_RECORD: join(dir, 'runner-record'),
        FAKE_AWS_ENDPOINT: moto.endpoint,
        FAKE_AWS_EVENTS: join(dir, 'events'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    ready();

    const chunks: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const limit = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    const code = await new Promise<number | null>((resolveCode) =>
      child.on('close', (exitCode) => resolveCode(exitCode)),
    );
    clearTimeout(limit);
    return { code, output: chunks.join('') };
  })();

  return { started, done };
}

async function waitForEvent(line: string): Promise<void> {
  const deadline = Date.now() + RUN_LIMIT_MS;
  while (!events().includes(line)) {
    if (Date.now() > deadline) throw new Error(`no "${line}" event; saw ${events().join(', ')}`);
    await sleep(50);
  }
}

describe('runner boot script', () => {
  // .ci/run installs shellcheck; without it this check is reported as skipped, not passed.
  it.skipIf(!HAS_SHELLCHECK)('passes shellcheck', () => {
    const check = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });

    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('reads its config, deletes it, runs the runner with it and powers off after the runner exits', async () => {
    await putConfig();

    const run = await boot().done;

    expect(events()).toEqual([
      `get-parameter ${PARAMETER} found`,
      `delete-parameter ${PARAMETER} ok`,
      'runner-start',
      'runner-exit',
      'poweroff',
    ]);
    expect(readFileSync(join(dir, 'runner-record'), 'utf8')).toBe(JIT_CONFIG);
    expect(await parameterExists()).toBe(false);
    expect(run.code).toBe(0);
    expect(run.output).not.toContain(JIT_CONFIG);
    expect(run.output).not.toContain('secret-value');
  });

  // The same run with the real AWS CLI, where the machine has one, pinned to moto by an
  // explicit endpoint and with credentials that go nowhere else.
  it.skipIf(!HAS_AWS_CLI)('works with the real AWS CLI as well', async () => {
    await putConfig();
    writeExecutable('real-aws', ['exec aws --endpoint-url "$FAKE_AWS_ENDPOINT" "$@"']);

    const run = await boot(
      {},
      {
        GHR_AWS_CLI: join(dir, 'real-aws'),
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
      },
    ).done;

    expect(events()).toEqual(['runner-start', 'runner-exit', 'poweroff']);
    expect(readFileSync(join(dir, 'runner-record'), 'utf8')).toBe(JIT_CONFIG);
    expect(await parameterExists()).toBe(false);
    expect(run.output).not.toContain(JIT_CONFIG);
  });

  it('waits for a config that comes after it started', async () => {
    const { started, done } = boot();
    await started;
    await waitForEvent(`get-parameter ${PARAMETER} missing`);

    await putConfig();
    const run = await done;

    expect(events().filter((line) => line.endsWith('found'))).toHaveLength(1);
    expect(events().slice(-4)).toEqual([
      `delete-parameter ${PARAMETER} ok`,
      'runner-start',
      'runner-exit',
      'poweroff',
    ]);
    expect(run.code).toBe(0);
  });

  it('gives up on a config that never comes and powers off without starting the runner', async () => {
    const run = await boot({}, { GHR_JIT_WAIT_SECONDS: '2' }).done;

    const seen = events();
    expect(
      seen.filter((line) => line === `get-parameter ${PARAMETER} missing`).length,
    ).toBeGreaterThanOrEqual(2);
    expect(seen).not.toContain('runner-start');
    expect(seen.at(-1)).toBe('poweroff');
    expect(run.code).not.toBe(0);
  });

  it('sends the token with every metadata read, and fetches a new one when a read is refused', async () => {
    await putConfig();

    const run = await boot({ readsPerToken: 1 }).done;

    const requests = imds?.requests ?? [];
    expect(requests.filter((r) => r.method === 'GET').every((r) => r.withToken)).toBe(true);
    expect(requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(requests.filter((r) => r.method === 'PUT' && r.status === 200).length).toBe(2);
    expect(events()).toContain('runner-start');
    expect(run.code).toBe(0);
  });

  it('is refused by the fake metadata service when it reads without a token', async () => {
    const service = await startFakeImds({ instanceId: INSTANCE_ID, region: moto.region });
    try {
      const response = await fetch(`${service.url}/latest/meta-data/instance-id`);
      expect(response.status).toBe(401);
    } finally {
      await service.close();
    }
  });

  it('powers off without touching SSM when no metadata token can be had', async () => {
    await putConfig();

    const run = await boot({ refuseTokens: true }).done;

    expect(events()).toEqual(['poweroff']);
    expect(await parameterExists()).toBe(true);
    expect(run.code).not.toBe(0);
  });

  it('does not start the runner when its config cannot be deleted', async () => {
    await putConfig();

    const run = await boot({}, { FAKE_AWS_FAIL_DELETE: '1' }).done;

    const seen = events();
    expect(seen.filter((line) => line === `delete-parameter ${PARAMETER} failed`)).toHaveLength(3);
    expect(seen).not.toContain('runner-start');
    expect(seen.at(-1)).toBe('poweroff');
    expect(existsSync(join(dir, 'runner-record'))).toBe(false);
    expect(run.code).not.toBe(0);
  });

  it('powers off when its settings are wrong', async () => {
    const run = await boot({}, { GHR_ENVIRONMENT: '' }).done;

    expect(events()).toEqual(['poweroff']);
    expect(imds?.requests).toEqual([]);
    expect(run.code).not.toBe(0);
  });
});
