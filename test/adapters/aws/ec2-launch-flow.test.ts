import { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SsmJitHandoff } from '../../../src/adapters/aws/ssm-jit-handoff.js';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { MemoryGitHub } from '../../../src/adapters/memory/memory-github.js';
import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import { launchRunner } from '../../../src/core/launch-runner.js';
import type { Runner } from '../../../src/core/runner.js';
import { sweep } from '../../../src/core/sweep.js';
import type { Tenant } from '../../../src/core/tenant.js';
import type { Tier } from '../../../src/core/tier.js';
import { buildTierCatalog, findTier } from '../../../src/core/tier.js';
import { captureLogger, coreHarness, noMetrics } from '../../support/core-harness.js';
import type { Moto } from '../../support/moto.js';
import { startMoto } from '../../support/moto.js';
import type { AwsRunners, RunnerNetwork } from './aws-runner-world.js';
import {
  awsRunners,
  createRunnerNetwork,
  ec2Error,
  liveInstances,
  parametersUnder,
} from './aws-runner-world.js';

// The core's launch flow (JIT minted, handed off, machine launched, recorded; undone on any
// failure) run with the real EC2 and SSM adapters on moto.

const ENV = 'ghr-flow';
const INSTALLATION = 601;
let moto: Moto;
let network: RunnerNetwork;

const catalog = buildTierCatalog(
  [
    {
      name: 'small',
      labels: ['self-hosted', 'linux', 'x64', 'small'],
      instanceTypes: ['m5.large', 'c5.large'],
      spot: true,
      maxRunners: 5,
    },
  ],
  'small',
);
const tier = findTier(catalog, 'small') as Tier;

const tenant: Tenant = {
  installationId: INSTALLATION,
  accountLogin: 'acme',
  accountType: 'Organization',
  status: 'active',
  tier: 'small',
  maxRunners: 5,
  tierOverrides: {},
  runnerGroup: undefined,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  network = await createRunnerNetwork(new EC2Client(moto.clientConfig), 'ghr-flow-small');
});

interface Flow {
  readonly aws: AwsRunners;
  readonly ledger: MemoryLedger;
  readonly github: MemoryGitHub;
  readonly runner: Runner;
  launch(): Promise<void>;
}

async function flow(ledger: MemoryLedger = new MemoryLedger()): Promise<Flow> {
  const aws = awsRunners(moto, ENV, {
    small: { launchTemplate: { id: network.launchTemplateId }, subnetIds: network.subnetIds },
  });
  const github = new MemoryGitHub();
  const clock = new ManualClock();
  const at = new Date(clock.now()).toISOString();
  await ledger.observeJob({
    id: 9001,
    installationId: INSTALLATION,
    tier: 'small',
    repository: 'acme/app',
    runId: 1,
    labels: tier.labels,
    status: 'queued',
    runnerName: undefined,
    conclusion: undefined,
    at,
  });
  const slot = await ledger.takeSlot({
    installationId: INSTALLATION,
    tier: 'small',
    tenantTier: 'small',
    repository: undefined,
    runnerName: 'ghr-601-small-r1',
    limits: { tenantMax: 5, tierMax: 5 },
    at,
  });
  if (!slot.taken) throw new Error(`no slot: ${slot.reason}`);

  const deps = {
    ledger,
    github,
    handoff: aws.handoff,
    compute: aws.compute,
    clock,
    settings: { environment: ENV, runnerNamePrefix: 'ghr', workFolder: '_work' },
    metrics: noMetrics,
  };
  return {
    aws,
    ledger,
    github,
    runner: slot.runner,
    launch: () => launchRunner(deps, tenant, tier, slot.runner, captureLogger([])),
  };
}

describe('launch flow on EC2 and SSM', () => {
  it('leaves its JIT config waiting for the instance, and a sweep records the instance', async () => {
    const { aws, ledger, runner, launch } = await flow();

    await launch();
    const launched = await ledger.getRunner(runner.name);
    const result = await sweep({
      ...coreHarness().deps,
      ledger,
      compute: aws.compute,
      handoff: aws.handoff,
    });

    const recorded = await ledger.getRunner(runner.name);
    const [instance] = await liveInstances(aws.ec2, [
      { Name: 'tag:ghr:runner_name', Values: [runner.name] },
    ]);
    // The launch writes nothing more: the instance is found by the runner name on its tags.
    expect(launched).toMatchObject({ state: 'launching', computeId: undefined });
    expect(result).toMatchObject({ machinesRecorded: 1, machinesStopped: 0, secretsRemoved: 0 });
    expect(recorded).toMatchObject({ computeId: instance?.InstanceId, machine: 'm5.large' });
    expect(await parametersUnder(aws.ssm, `/${ENV}`)).toEqual([
      `/${ENV}/runners/${instance?.InstanceId}`,
    ]);
    expect(await aws.handoff.list()).toEqual([runner.name]);
  });

  it('F17: removes the parameter when its write succeeded but the answer was lost', async () => {
    const { aws, ledger, github, runner, launch } = await flow();
    aws.ssmTap.intercept((request) =>
      request.name === 'PutParameter'
        ? { loseAnswer: Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }) }
        : undefined,
    );

    await expect(launch()).rejects.toMatchObject({ code: 'unavailable' });

    expect(aws.ssmTap.of('PutParameter')).toHaveLength(1);
    expect(await parametersUnder(aws.ssm, `/${ENV}`)).toEqual([]);
    expect(await aws.handoff.list()).toEqual([]);
    expect(await liveInstances(aws.ec2, [{ Name: 'tag:ghr:environment', Values: [ENV] }])).toEqual(
      [],
    );
    expect(github.registered.size).toBe(0);
    expect(await ledger.getRunner(runner.name)).toMatchObject({
      state: 'done',
      doneReason: 'launch_failed',
    });
  });

  it('F18: every choice short ends in a retryable capacity error with nothing left behind', async () => {
    const { aws, ledger, github, runner, launch } = await flow();
    aws.ec2Tap.intercept((request) =>
      request.name === 'CreateFleet'
        ? { fail: ec2Error('InsufficientInstanceCapacity') }
        : undefined,
    );

    const error = await launch().catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'capacity', retryable: true });
    expect(aws.ec2Tap.of('CreateFleet')).toHaveLength(4);
    expect(await liveInstances(aws.ec2, [{ Name: 'tag:ghr:environment', Values: [ENV] }])).toEqual(
      [],
    );
    expect(await parametersUnder(aws.ssm, `/${ENV}`)).toEqual([]);
    expect(await aws.handoff.list()).toEqual([]);
    expect(github.registered.size).toBe(0);
    expect(await ledger.getRunner(runner.name)).toMatchObject({ doneReason: 'launch_failed' });
  });

  it('lets a later sweep in another process remove a leftover config and stop its instance', async () => {
    const { aws, ledger, runner, launch } = await flow();
    await launch();
    await ledger.updateRunner(runner.name, {
      state: 'done',
      doneReason: 'completed',
      at: new Date().toISOString(),
    });
    const harness = coreHarness();
    const laterHandoff = new SsmJitHandoff({ client: aws.ssm, environment: ENV });

    const result = await sweep({
      ...harness.deps,
      ledger,
      compute: aws.compute,
      handoff: laterHandoff,
    });

    expect(result).toMatchObject({ secretsRemoved: 1, machinesStopped: 1 });
    expect(await parametersUnder(aws.ssm, `/${ENV}`)).toEqual([]);
    expect(await liveInstances(aws.ec2, [{ Name: 'tag:ghr:environment', Values: [ENV] }])).toEqual(
      [],
    );
  });
});
