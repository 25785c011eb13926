import type { Instance } from '@aws-sdk/client-ec2';
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';

import { Ec2Compute, type Ec2ComputeOptions } from '../../../src/adapters/aws/ec2-compute.js';
import { SsmJitHandoff } from '../../../src/adapters/aws/ssm-jit-handoff.js';
import type { LaunchSpec } from '../../../src/core/ports/compute.js';
import { runnerTags } from '../../../src/core/runner-tags.js';
import type { LogEntry } from '../../support/core-harness.js';
import { captureLogger } from '../../support/core-harness.js';
import type { Moto } from '../../support/moto.js';
import type { SendTap } from './sdk-send-tap.js';
import { tapSend } from './sdk-send-tap.js';

/** moto's account; the ARNs the adapters build must name it. */
export const MOTO_ACCOUNT = '123456789012';
export const RUNNER_IMAGE = 'ami-12c6146b';

/** What moto holds for the runners: a VPC with two subnets and one launch template. */
export interface RunnerNetwork {
  readonly subnetIds: readonly string[];
  readonly launchTemplateId: string;
  readonly launchTemplateName: string;
}

export async function createRunnerNetwork(ec2: EC2Client, name: string): Promise<RunnerNetwork> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId;
  const subnetIds: string[] = [];
  for (const cidr of ['10.0.1.0/24', '10.0.2.0/24']) {
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }));
    subnetIds.push(subnet.Subnet?.SubnetId ?? '');
  }

  const template = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: {
        ImageId: RUNNER_IMAGE,
        InstanceInitiatedShutdownBehavior: 'terminate',
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, DeleteOnTermination: true } },
        ],
      },
    }),
  );
  return {
    subnetIds,
    launchTemplateId: template.LaunchTemplate?.LaunchTemplateId ?? '',
    launchTemplateName: name,
  };
}

export interface AwsRunners {
  readonly ec2: EC2Client;
  readonly ssm: SSMClient;
  readonly ec2Tap: SendTap;
  readonly ssmTap: SendTap;
  readonly compute: Ec2Compute;
  readonly handoff: SsmJitHandoff;
  readonly logs: LogEntry[];
}

/** An Ec2Compute and SsmJitHandoff on moto, with taps on both clients. */
export function awsRunners(
  moto: Moto,
  environment: string,
  tiers: Ec2ComputeOptions['tiers'],
  options: Partial<Pick<Ec2ComputeOptions, 'pageSize'>> = {},
): AwsRunners {
  const ec2 = new EC2Client(moto.clientConfig);
  const ssm = new SSMClient(moto.clientConfig);
  const ec2Tap = tapSend(ec2);
  const ssmTap = tapSend(ssm);
  const logs: LogEntry[] = [];
  const noPause = { attempts: 4, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {} };

  const handoff = new SsmJitHandoff({ client: ssm, environment, throttleRetry: noPause });
  const compute = new Ec2Compute({
    client: ec2,
    environment,
    accountId: MOTO_ACCOUNT,
    tiers,
    handoff,
    logger: captureLogger(logs),
    throttleRetry: noPause,
    ...options,
  });
  return { ec2, ssm, ec2Tap, ssmTap, compute, handoff, logs };
}

export function launchSpec(
  environment: string,
  runnerName: string,
  installationId: number,
  tier: { name: string; instanceTypes?: string[]; spot?: boolean } = { name: 'small' },
): LaunchSpec {
  return {
    runnerName,
    installationId,
    tier: tier.name,
    tenantTier: 'pro',
    instanceTypes: tier.instanceTypes ?? ['m5.large', 'c5.large'],
    spot: tier.spot ?? false,
    tags: runnerTags(environment, {
      name: runnerName,
      installationId,
      tier: tier.name,
      tenantTier: 'pro',
    }),
  };
}

/** Pending and running instances matching `filters`, read straight from moto. */
export async function liveInstances(
  ec2: EC2Client,
  filters: { Name: string; Values: string[] }[],
): Promise<Instance[]> {
  const output = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [...filters, { Name: 'instance-state-name', Values: ['pending', 'running'] }],
    }),
  );
  return (output.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
}

/** Names of the parameters under a path, read straight from moto. */
export async function parametersUnder(ssm: SSMClient, path: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: [path] }],
        NextToken: nextToken,
      }),
    );
    names.push(...(page.Parameters ?? []).map((parameter) => parameter.Name ?? ''));
    nextToken = page.NextToken;
  } while (nextToken);
  return names.sort();
}

/** An error shaped as the SDK builds it from an EC2 error response. */
export function ec2Error(code: string, fault: 'client' | 'server' = 'server'): EC2ServiceException {
  return new EC2ServiceException({
    name: code,
    $fault: fault,
    $metadata: { httpStatusCode: fault === 'server' ? 500 : 400, requestId: 'injected' },
    message: `injected ${code}`,
  });
}
