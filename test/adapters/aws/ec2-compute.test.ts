import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetParameterCommand,
  ListTagsForResourceCommand,
  type Tag as SsmTag,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { PlatformError } from '../../../src/core/errors.js';
import type { RunnerTags } from '../../../src/core/ports/compute.js';
import type { Moto } from '../../support/moto.js';
import { startMoto } from '../../support/moto.js';
import type { RunnerNetwork } from './aws-runner-world.js';
import {
  MOTO_ACCOUNT,
  RUNNER_IMAGE,
  awsRunners,
  createRunnerNetwork,
  ec2Error,
  launchSpec,
  liveInstances,
} from './aws-runner-world.js';

const ENV = 'ghr-test';
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
  network = await createRunnerNetwork(new EC2Client(moto.clientConfig), 'ghr-test-small');
});

function runners(options: { pageSize?: number; byName?: boolean } = {}) {
  return awsRunners(
    moto,
    ENV,
    {
      small: {
        launchTemplate: options.byName
          ? { name: network.launchTemplateName, version: '$Latest' }
          : { id: network.launchTemplateId },
        subnetIds: network.subnetIds,
      },
    },
    options,
  );
}

function tagMap(tags: readonly { Key?: string; Value?: string }[] | undefined) {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key, tag.Value]));
}

function expectedTags(tags: RunnerTags): Record<string, string> {
  return { ...tags, Name: tags['ghr:runner_name'] };
}

describe('launch', () => {
  it('makes one instance from the tier launch template, tagged for its tenant', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-101-small-a1', 101);
    await aws.handoff.put(spec.runnerName, 'jit-config-a1', spec.tags);

    const machine = await aws.compute.launch(spec);

    const instances = await liveInstances(aws.ec2, [
      { Name: 'tag:ghr:tenant_id', Values: ['101'] },
    ]);
    expect(instances.map((instance) => instance.InstanceId)).toEqual([machine.computeId]);
    const [instance] = instances;
    expect(instance?.ImageId).toBe(RUNNER_IMAGE);
    expect(instance?.InstanceType).toBe('m5.large');
    expect(machine.machine).toBe('m5.large');
    expect(network.subnetIds).toContain(instance?.SubnetId);
    expect(tagMap(instance?.Tags)).toMatchObject(expectedTags(spec.tags));
  });

  it('finds the launch template by name and version as well', async () => {
    const aws = runners({ byName: true });
    const spec = launchSpec(ENV, 'ghr-101-small-a2', 101);
    await aws.handoff.put(spec.runnerName, 'jit-config-a2', spec.tags);

    const machine = await aws.compute.launch(spec);

    const [request] = aws.ec2Tap.of('CreateFleet');
    expect(request?.input).toMatchObject({
      LaunchTemplateConfigs: [
        {
          LaunchTemplateSpecification: {
            LaunchTemplateName: network.launchTemplateName,
            Version: '$Latest',
          },
        },
      ],
    });
    expect(
      await liveInstances(aws.ec2, [{ Name: 'instance-id', Values: [machine.computeId] }]),
    ).toHaveLength(1);
  });

  it('asks for one instant instance over every instance type and subnet, and tags volumes and interfaces at launch', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-102-small-b1', 102);
    await aws.handoff.put(spec.runnerName, 'jit-config-b1', spec.tags);

    await aws.compute.launch(spec);

    const requests = aws.ec2Tap.of('CreateFleet');
    expect(requests).toHaveLength(1);
    const input = requests[0]?.input ?? {};
    expect(input).toMatchObject({
      Type: 'instant',
      TargetCapacitySpecification: {
        TotalTargetCapacity: 1,
        DefaultTargetCapacityType: 'on-demand',
      },
      OnDemandOptions: { AllocationStrategy: 'prioritized' },
    });
    const [subnetA, subnetB] = network.subnetIds;
    expect(input).toMatchObject({
      LaunchTemplateConfigs: [
        {
          LaunchTemplateSpecification: { LaunchTemplateId: network.launchTemplateId },
          Overrides: [
            { InstanceType: 'm5.large', SubnetId: subnetA, Priority: 0 },
            { InstanceType: 'm5.large', SubnetId: subnetB, Priority: 0 },
            { InstanceType: 'c5.large', SubnetId: subnetA, Priority: 1 },
            { InstanceType: 'c5.large', SubnetId: subnetB, Priority: 1 },
          ],
        },
      ],
    });
    // moto keeps the instance's tags but not those CreateFleet gives volumes and interfaces,
    // so those are checked on the request.
    const specs = input.TagSpecifications as { ResourceType: string; Tags: SsmTag[] }[];
    expect(specs.map((s) => s.ResourceType).sort()).toEqual([
      'instance',
      'network-interface',
      'volume',
    ]);
    for (const tagSpec of specs) {
      expect(tagMap(tagSpec.Tags)).toEqual(expectedTags(spec.tags));
    }
  });

  it('stores the JIT config for the new instance as a SecureString tagged like it', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-103-small-c1', 103);
    await aws.handoff.put(spec.runnerName, 'jit-config-c1', spec.tags);

    const machine = await aws.compute.launch(spec);

    const name = `/${ENV}/runners/${machine.computeId}`;
    const stored = await aws.ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    expect(stored.Parameter?.Type).toBe('SecureString');
    expect(stored.Parameter?.Value).toBe('jit-config-c1');
    const tags = await aws.ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }),
    );
    expect(tagMap(tags.TagList)).toEqual({
      ...expectedTags(spec.tags),
      'ghr:instance_id': machine.computeId,
      'ghr:instance_arn': `arn:aws:ec2:${moto.region}:${MOTO_ACCOUNT}:instance/${machine.computeId}`,
    });
    const owner = await aws.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [machine.computeId] }),
    );
    expect(owner.Reservations?.[0]?.OwnerId).toBe(MOTO_ACCOUNT);
    expect(await aws.handoff.list()).toEqual([spec.runnerName]);
  });

  it('never logs the JIT config', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-103-small-c2', 103);
    await aws.handoff.put(spec.runnerName, 'jit-config-secret-c2', spec.tags);

    await aws.compute.launch(spec);

    expect(aws.logs.map((entry) => entry.msg)).toContain('runner instance launched');
    expect(JSON.stringify(aws.logs)).not.toContain('jit-config-secret-c2');
  });
});

describe('client token', () => {
  it('is the same on every try of one request, so a repeated create makes no second instance', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-104-small-d1', 104);
    await aws.handoff.put(spec.runnerName, 'jit-config-d1', spec.tags);
    let throttles = 2;
    aws.ec2Tap.intercept((request) => {
      if (request.name !== 'CreateFleet' || throttles === 0) return undefined;
      throttles -= 1;
      return { fail: ec2Error('RequestLimitExceeded', 'client') };
    });

    const machine = await aws.compute.launch(spec);

    const tokens = aws.ec2Tap.of('CreateFleet').map((request) => request.input.ClientToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
    expect(String(tokens[0])).toMatch(/^[0-9a-f]{64}$/);
    const mine = await liveInstances(aws.ec2, [
      { Name: 'tag:ghr:runner_name', Values: [spec.runnerName] },
    ]);
    expect(mine.map((instance) => instance.InstanceId)).toEqual([machine.computeId]);
  });

  it('differs between runners', async () => {
    const aws = runners();
    for (const name of ['ghr-104-small-d2', 'ghr-104-small-d3']) {
      const spec = launchSpec(ENV, name, 104);
      await aws.handoff.put(name, `jit-${name}`, spec.tags);
      await aws.compute.launch(spec);
    }

    const tokens = aws.ec2Tap.of('CreateFleet').map((request) => request.input.ClientToken);
    expect(new Set(tokens).size).toBe(2);
  });
});

describe('errors', () => {
  it('reports throttling that outlasts its retries as retryable throttled, after a bounded number of tries', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-105-small-e1', 105);
    await aws.handoff.put(spec.runnerName, 'jit-config-e1', spec.tags);
    aws.ec2Tap.intercept((request) =>
      request.name === 'CreateFleet' ? { fail: ec2Error('Throttling', 'client') } : undefined,
    );

    const error = await aws.compute.launch(spec).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ code: 'throttled', retryable: true });
    expect(aws.ec2Tap.of('CreateFleet')).toHaveLength(4);
    expect(await liveInstances(aws.ec2, [{ Name: 'tag:ghr:environment', Values: [ENV] }])).toEqual(
      [],
    );
  });

  it('neither retries nor falls back on an error that is not about capacity', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-105-small-e2', 105);
    await aws.handoff.put(spec.runnerName, 'jit-config-e2', spec.tags);
    aws.ec2Tap.intercept((request) =>
      request.name === 'CreateFleet'
        ? { fail: ec2Error('InvalidParameterValue', 'client') }
        : undefined,
    );

    const error = await aws.compute.launch(spec).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'invalid_input', retryable: false });
    expect((error as PlatformError).details).toMatchObject({ aws_code: 'InvalidParameterValue' });
    expect(aws.ec2Tap.of('CreateFleet')).toHaveLength(1);
  });

  it('refuses a tier it has no launch settings for', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-105-large-e3', 105, { name: 'large' });

    await expect(aws.compute.launch(spec)).rejects.toMatchObject({
      code: 'invalid_config',
      retryable: false,
    });
    expect(aws.ec2Tap.sent).toEqual([]);
  });
});

describe('list', () => {
  it('follows pages and filters by environment and tenant', async () => {
    const aws = runners({ pageSize: 5 });
    const names: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const tenant = i < 4 ? 201 : 202;
      const spec = launchSpec(ENV, `ghr-${tenant}-small-f${i}`, tenant);
      await aws.handoff.put(spec.runnerName, `jit-f${i}`, spec.tags);
      await aws.compute.launch(spec);
      names.push(spec.runnerName);
    }
    const other = awsRunners(moto, 'ghr-other', {
      small: { launchTemplate: { id: network.launchTemplateId }, subnetIds: network.subnetIds },
    });
    const foreign = launchSpec('ghr-other', 'ghr-201-small-x', 201);
    await other.handoff.put(foreign.runnerName, 'jit-x', foreign.tags);
    await other.compute.launch(foreign);
    aws.ec2Tap.reset();

    const all = await aws.compute.list();
    const pages = aws.ec2Tap.of('DescribeInstances');
    const tenant202 = await aws.compute.list({ installationId: 202 });

    expect(all.map((machine) => machine.runnerName).sort()).toEqual([...names].sort());
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[0]?.input).toMatchObject({ MaxResults: 5 });
    expect(pages[0]?.input.NextToken).toBeUndefined();
    expect(pages[1]?.input.NextToken).toEqual(expect.any(String));
    expect(tenant202.map((machine) => machine.runnerName).sort()).toEqual(names.slice(4).sort());
    expect(tenant202.every((machine) => machine.tags['ghr:tenant_id'] === '202')).toBe(true);
    expect(all[0]?.launchedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('leaves out terminated instances', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-203-small-g1', 203);
    await aws.handoff.put(spec.runnerName, 'jit-g1', spec.tags);
    const machine = await aws.compute.launch(spec);

    await aws.compute.stop(machine.computeId);

    expect(await aws.compute.list()).toEqual([]);
  });
});

describe('stop', () => {
  it('terminates the instance, and stopping it again or an unknown one is fine', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-204-small-h1', 204);
    await aws.handoff.put(spec.runnerName, 'jit-h1', spec.tags);
    const machine = await aws.compute.launch(spec);

    await aws.compute.stop(machine.computeId);
    await aws.compute.stop(machine.computeId);
    await aws.compute.stop('i-0123456789abcdef0');

    const described = await aws.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [machine.computeId] }),
    );
    expect(described.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('terminated');
    expect(aws.ec2Tap.of('TerminateInstances')).toHaveLength(3);
  });

  it('leaves an instance known only by its runner name to end itself, calling nothing', async () => {
    const aws = runners();
    const spec = launchSpec(ENV, 'ghr-205-small-i1', 205);
    await aws.handoff.put(spec.runnerName, 'jit-i1', spec.tags);
    await aws.compute.launch(spec);
    const sentBefore = aws.ec2Tap.sent.length;

    await aws.compute.stopRunner(spec.runnerName);

    expect(aws.ec2Tap.sent.slice(sentBefore)).toEqual([]);
    expect((await aws.compute.list()).map((m) => m.runnerName)).toEqual([spec.runnerName]);
  });

  it('refuses something that is not an instance id without calling EC2', async () => {
    const aws = runners();

    await expect(aws.compute.stop('12345')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(aws.ec2Tap.sent).toEqual([]);
  });
});
