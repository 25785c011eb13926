import { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { PlatformError } from '../../../src/core/errors.js';
import type { Moto } from '../../support/moto.js';
import { startMoto } from '../../support/moto.js';
import type { AwsRunners, RunnerNetwork } from './aws-runner-world.js';
import {
  awsRunners,
  createRunnerNetwork,
  ec2Error,
  launchSpec,
  liveInstances,
  parametersUnder,
} from './aws-runner-world.js';
import type { SendTap, SentRequest } from './sdk-send-tap.js';

// F18: moto always has capacity, so the shortage is injected. A CreateFleet whose first
// choice (market and instance type) is short fails as a whole, either the way RunInstances-like
// calls fail (a thrown EC2 error) or the way an instant fleet reports it (an answer with
// `Errors` and no instance). Everything else reaches moto.

type Shape = 'thrown' | 'fleet errors';

const ENV = 'ghr-cap';
let moto: Moto;
let network: RunnerNetwork;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  network = await createRunnerNetwork(new EC2Client(moto.clientConfig), 'ghr-cap-small');
});

function runners(spot: boolean): AwsRunners {
  return awsRunners(moto, ENV, {
    small: {
      launchTemplate: { id: network.launchTemplateId },
      subnetIds: network.subnetIds,
      instanceTypes: ['m5.large', 'c5.large'],
      spot,
    },
  });
}

function marketOf(request: SentRequest): string {
  const target = request.input.TargetCapacitySpecification as { DefaultTargetCapacityType: string };
  return target.DefaultTargetCapacityType;
}

function firstChoiceOf(request: SentRequest): string {
  const [config] = request.input.LaunchTemplateConfigs as {
    Overrides: { InstanceType: string }[];
  }[];
  return config?.Overrides[0]?.InstanceType ?? '';
}

/** Makes every CreateFleet whose first choice is short fail, in the given shape. */
function shortOf(
  tap: SendTap,
  short: (market: string, instanceType: string) => boolean,
  shape: Shape,
  code: string,
): void {
  tap.intercept((request) => {
    if (request.name !== 'CreateFleet') return undefined;
    const market = marketOf(request);
    const instanceType = firstChoiceOf(request);
    if (!short(market, instanceType)) return undefined;

    if (shape === 'thrown') return { fail: ec2Error(code) };
    return {
      answer: {
        $metadata: { httpStatusCode: 200, requestId: 'injected' },
        FleetId: 'fleet-injected',
        Instances: [],
        Errors: [
          {
            ErrorCode: code,
            ErrorMessage: `There is no ${market} capacity for ${instanceType}`,
            Lifecycle: market,
            LaunchTemplateAndOverrides: { Overrides: { InstanceType: instanceType } },
          },
        ],
      },
    };
  });
}

function attemptsOf(tap: SendTap): string[] {
  return tap.of('CreateFleet').map((request) => `${marketOf(request)} ${firstChoiceOf(request)}`);
}

describe('F18: capacity errors', () => {
  it.each<[Shape, string]>([
    ['thrown', 'InsufficientInstanceCapacity'],
    ['thrown', 'InsufficientCapacity'],
    ['fleet errors', 'InsufficientInstanceCapacity'],
    ['fleet errors', 'UnfulfillableCapacity'],
  ])('uses the second instance type when the first has none (%s %s)', async (shape, code) => {
    const aws = runners(false);
    const spec = launchSpec(ENV, 'ghr-301-small-a', 301);
    await aws.handoff.put(spec.runnerName, 'jit-a', spec.tags);
    shortOf(aws.ec2Tap, (_, type) => type === 'm5.large', shape, code);

    const machine = await aws.compute.launch(spec);

    expect(machine.machine).toBe('c5.large');
    const instances = await liveInstances(aws.ec2, [
      { Name: 'tag:ghr:runner_name', Values: [spec.runnerName] },
    ]);
    expect(instances.map((i) => [i.InstanceId, i.InstanceType])).toEqual([
      [machine.computeId, 'c5.large'],
    ]);
    expect(attemptsOf(aws.ec2Tap)).toEqual(['on-demand m5.large', 'on-demand c5.large']);
    const tokens = aws.ec2Tap.of('CreateFleet').map((request) => request.input.ClientToken);
    expect(new Set(tokens).size).toBe(2);
    expect(aws.logs.filter((entry) => entry.level === 'warn')).toMatchObject([
      { fields: { market: 'on-demand', instance_types: ['m5.large', 'c5.large'] } },
    ]);
  });

  it.each<[Shape, string]>([
    ['thrown', 'MaxSpotInstanceCountExceeded'],
    ['fleet errors', 'UnfulfillableCapacity'],
  ])('falls back to on-demand when Spot has none of any type (%s %s)', async (shape, code) => {
    const aws = runners(true);
    const spec = launchSpec(ENV, 'ghr-302-small-b', 302);
    await aws.handoff.put(spec.runnerName, 'jit-b', spec.tags);
    shortOf(aws.ec2Tap, (market) => market === 'spot', shape, code);

    const machine = await aws.compute.launch(spec);

    expect(attemptsOf(aws.ec2Tap)).toEqual([
      'spot m5.large',
      'spot c5.large',
      'on-demand m5.large',
    ]);
    const [instance] = await liveInstances(aws.ec2, [
      { Name: 'instance-id', Values: [machine.computeId] },
    ]);
    expect(instance?.InstanceType).toBe('m5.large');
    expect(instance?.InstanceLifecycle).toBeUndefined();
  });

  it('launches on Spot when Spot has capacity', async () => {
    const aws = runners(true);
    const spec = launchSpec(ENV, 'ghr-302-small-c', 302);
    await aws.handoff.put(spec.runnerName, 'jit-c', spec.tags);

    const machine = await aws.compute.launch(spec);

    const [instance] = await liveInstances(aws.ec2, [
      { Name: 'instance-id', Values: [machine.computeId] },
    ]);
    expect(instance?.InstanceLifecycle).toBe('spot');
    expect(aws.ec2Tap.of('CreateFleet')[0]?.input).toMatchObject({
      SpotOptions: { AllocationStrategy: 'capacity-optimized-prioritized' },
      TargetCapacitySpecification: { DefaultTargetCapacityType: 'spot' },
    });
  });

  it('takes the instance a fleet launched even when it reports other pools short', async () => {
    const aws = runners(false);
    const spec = launchSpec(ENV, 'ghr-303-small-d', 303);
    await aws.handoff.put(spec.runnerName, 'jit-d', spec.tags);
    aws.ec2Tap.intercept((request) => {
      if (request.name !== 'CreateFleet') return undefined;
      return {
        answer: {
          $metadata: { httpStatusCode: 200 },
          FleetId: 'fleet-injected',
          Instances: [{ InstanceIds: ['i-0aaaabbbbccccdddd'], InstanceType: 'c5.large' }],
          Errors: [{ ErrorCode: 'InsufficientInstanceCapacity', Lifecycle: 'on-demand' }],
        },
      };
    });

    const machine = await aws.compute.launch(spec);

    expect(machine).toEqual({ computeId: 'i-0aaaabbbbccccdddd', machine: 'c5.large' });
    expect(aws.ec2Tap.of('CreateFleet')).toHaveLength(1);
  });

  it('fails with a retryable capacity error when every choice is short, leaving no instance and no parameter', async () => {
    const aws = runners(true);
    const spec = launchSpec(ENV, 'ghr-304-small-e', 304);
    await aws.handoff.put(spec.runnerName, 'jit-e', spec.tags);
    shortOf(aws.ec2Tap, () => true, 'thrown', 'InsufficientInstanceCapacity');

    const error = await aws.compute.launch(spec).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ code: 'capacity', retryable: true });
    expect((error as PlatformError).message).toContain('m5.large, c5.large');
    expect(attemptsOf(aws.ec2Tap)).toEqual([
      'spot m5.large',
      'spot c5.large',
      'on-demand m5.large',
      'on-demand c5.large',
    ]);
    expect(await liveInstances(aws.ec2, [{ Name: 'tag:ghr:environment', Values: [ENV] }])).toEqual(
      [],
    );
    expect(aws.ssmTap.of('PutParameter')).toEqual([]);
    expect(await parametersUnder(aws.ssm, `/${ENV}`)).toEqual([]);
  });
});
