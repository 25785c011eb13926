import type { EC2Client, Filter, Instance } from '@aws-sdk/client-ec2';
import {
  CreateFleetCommand,
  DescribeInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';

import { PlatformError, ValidationError } from '../../core/errors.js';
import type {
  ComputeProvider,
  LaunchSpec,
  LaunchedMachine,
  MachineInfo,
} from '../../core/ports/compute.js';
import type { Logger } from '../../core/ports/telemetry.js';
import { toEc2PlatformError } from './ec2-errors.js';
import type { FleetAttempt } from './ec2-fleet-request.js';
import { fleetAttempts, fleetRequest } from './ec2-fleet-request.js';
import type { FleetInstance } from './ec2-fleet-result.js';
import type { InstanceJitPublisher } from './ec2-jit-publisher.js';
import { fleetFailure, fleetInstances } from './ec2-fleet-result.js';
import { runnerTagsOf } from './ec2-runner-tags.js';
import type { ThrottleRetry } from './ec2-throttle-retry.js';
import { DEFAULT_THROTTLE_RETRY, retryWhenThrottled } from './ec2-throttle-retry.js';
import type { Ec2TierLaunch, ResolvedTierLaunch } from './ec2-tier-launch.js';
import { checkEc2Tiers, isInstanceTypeList } from './ec2-tier-launch.js';

export interface Ec2ComputeOptions {
  readonly client: EC2Client;
  /** The deployment prefix: the `ghr:environment` tag every runner instance carries. */
  readonly environment: string;
  /** The account the instances run in, for their ARNs. */
  readonly accountId: string;
  /** `aws` unless the deployment is in another partition (`aws-cn`, `aws-us-gov`). */
  readonly partition?: string;
  readonly tiers: Readonly<Record<string, Ec2TierLaunch>>;
  readonly handoff: InstanceJitPublisher;
  readonly logger: Logger;
  readonly throttleRetry?: ThrottleRetry;
  /** Instances per DescribeInstances page, 5 to 1000; 500 when not given. */
  readonly pageSize?: number;
}

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const ACCOUNT_ID = /^\d{12}$/;
const LIVE_STATES = ['pending', 'running'];

/**
 * Runners as EC2 instances: one instant fleet of one instance per runner, from the tier's
 * launch template, tagged for its tenant. Capacity errors move on to the next instance type,
 * then from Spot to on-demand; when nothing is left the launch fails with a retryable
 * `capacity` error, so the job waits for a later try instead of being dropped.
 */
export class Ec2Compute implements ComputeProvider {
  private readonly retry: ThrottleRetry;
  private readonly pageSize: number;

  constructor(private readonly options: Ec2ComputeOptions) {
    checkOptions(options);
    this.retry = options.throttleRetry ?? DEFAULT_THROTTLE_RETRY;
    this.pageSize = options.pageSize ?? 500;
  }

  async launch(spec: LaunchSpec): Promise<LaunchedMachine> {
    const launch = this.resolve(spec);
    const log = this.options.logger.child({
      runner_name: spec.runnerName,
      installation_id: spec.installationId,
    });
    const shortfalls: string[] = [];

    for (const attempt of fleetAttempts(launch)) {
      const instance = await this.tryAttempt(launch, attempt, spec, log, shortfalls);
      if (instance === undefined) continue;

      await this.handOver(spec.runnerName, instance, log);
      log.info('runner instance launched', {
        instance_id: instance.instanceId,
        instance_type: instance.instanceType,
        market: attempt.market,
        runner_tier: spec.tier,
      });
      return { computeId: instance.instanceId, machine: instance.instanceType };
    }

    throw new PlatformError(
      'capacity',
      `launching runner ${spec.runnerName} of tier ${spec.tier}: no instance could be had of ${launch.instanceTypes.join(', ')} (${launch.spot ? 'spot, then on-demand' : 'on-demand'}); EC2 reported ${shortfalls.join('; ')}`,
      { retryable: true, details: { shortfalls } },
    );
  }

  async stop(computeId: string): Promise<void> {
    if (!INSTANCE_ID.test(computeId)) {
      throw new PlatformError(
        'invalid_input',
        `terminating instance ${JSON.stringify(computeId)}: an instance id is i- and 8 to 17 hex digits`,
      );
    }

    try {
      await this.call(`terminating instance ${computeId}`, () =>
        this.options.client.send(new TerminateInstancesCommand({ InstanceIds: [computeId] })),
      );
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'not_found') return;
      throw error;
    }
  }

  /**
   * Does nothing: finding the instance would take a `DescribeInstances`, and it ends itself
   * when its runner exits (the launch template terminates on shutdown). The sweep terminates
   * an instance whose runner is done, found by its tags.
   */
  async stopRunner(runnerName: string): Promise<void> {
    this.options.logger.debug('instance left to end itself with its runner', {
      runner_name: runnerName,
    });
  }

  async list(filter: { readonly installationId?: number } = {}): Promise<MachineInfo[]> {
    const filters: Filter[] = [
      { Name: 'tag:ghr:environment', Values: [this.options.environment] },
      { Name: 'instance-state-name', Values: LIVE_STATES },
    ];
    if (filter.installationId !== undefined) {
      filters.push({ Name: 'tag:ghr:tenant_id', Values: [String(filter.installationId)] });
    }
    const machines: MachineInfo[] = [];

    let nextToken: string | undefined;
    do {
      const page = await this.call(
        `listing the runner instances of environment ${this.options.environment}`,
        () =>
          this.options.client.send(
            new DescribeInstancesCommand({
              Filters: filters,
              MaxResults: this.pageSize,
              NextToken: nextToken,
            }),
          ),
      );
      for (const reservation of page.Reservations ?? []) {
        machines.push(...(reservation.Instances ?? []).map(machineOf));
      }
      nextToken = page.NextToken;
    } while (nextToken);

    return machines;
  }

  /** One CreateFleet call; undefined when it found no capacity and the next one may. */
  private async tryAttempt(
    launch: ResolvedTierLaunch,
    attempt: FleetAttempt,
    spec: LaunchSpec,
    log: Logger,
    shortfalls: string[],
  ): Promise<FleetInstance | undefined> {
    const choice = `${attempt.market} ${attempt.instanceTypes.join(', ')}`;
    const attempted = `launching runner ${spec.runnerName} as ${choice}`;

    try {
      const output = await this.call(attempted, () =>
        this.options.client.send(
          new CreateFleetCommand(fleetRequest(launch, attempt, spec.runnerName, spec.tags)),
        ),
      );
      const [instance, ...extra] = fleetInstances(output);
      if (instance === undefined) throw fleetFailure(output, attempted);

      for (const surplus of extra) await this.terminateQuietly(surplus.instanceId, log);
      return instance;
    } catch (error) {
      if (!(error instanceof PlatformError) || error.code !== 'capacity') throw error;

      const codes = error.details.aws_codes ?? [error.details.aws_code];
      shortfalls.push(`${choice}: ${String(codes)}`);
      log.warn('no capacity for this choice; trying the next one', {
        market: attempt.market,
        instance_types: attempt.instanceTypes,
        aws_codes: codes,
      });
      return undefined;
    }
  }

  /**
   * Stores the JIT config for the new instance. An instance whose config could not be stored
   * would only wait and power off, so it is terminated at once.
   */
  private async handOver(runnerName: string, instance: FleetInstance, log: Logger): Promise<void> {
    const region = await this.options.client.config.region();
    const partition = this.options.partition ?? 'aws';
    const instanceArn = `arn:${partition}:ec2:${region}:${this.options.accountId}:instance/${instance.instanceId}`;

    try {
      await this.options.handoff.publish(runnerName, {
        instanceId: instance.instanceId,
        instanceArn,
      });
    } catch (error) {
      log.warn('terminating the new instance: its JIT config could not be stored', {
        instance_id: instance.instanceId,
      });
      await this.terminateQuietly(instance.instanceId, log);
      throw error;
    }
  }

  private async terminateQuietly(instanceId: string, log: Logger): Promise<void> {
    try {
      await this.stop(instanceId);
    } catch (error) {
      // Untracked instances carry the environment tag, so the periodic sweep stops them later.
      log.warn('could not terminate an instance; the sweep will', {
        instance_id: instanceId,
        err: error,
      });
    }
  }

  private resolve(spec: LaunchSpec): ResolvedTierLaunch {
    const tier = this.options.tiers[spec.tier];
    if (tier === undefined) {
      throw new PlatformError(
        'invalid_config',
        `launching runner ${spec.runnerName}: tier ${spec.tier} has no EC2 launch settings (configured: ${Object.keys(this.options.tiers).join(', ')})`,
      );
    }

    const instanceTypes = tier.instanceTypes ?? spec.instanceTypes;
    if (!isInstanceTypeList(instanceTypes)) {
      throw new PlatformError(
        'invalid_config',
        `launching runner ${spec.runnerName}: tier ${spec.tier} needs at least one EC2 instance type (got ${JSON.stringify(instanceTypes)})`,
      );
    }
    return {
      launchTemplate: tier.launchTemplate,
      subnetIds: tier.subnetIds,
      instanceTypes,
      spot: tier.spot ?? spec.spot,
    };
  }

  /** Sends one request, translating its errors and retrying it only while it is throttled. */
  private call<T>(attempted: string, send: () => Promise<T>): Promise<T> {
    return retryWhenThrottled(async () => {
      try {
        return await send();
      } catch (error) {
        throw toEc2PlatformError(error, attempted);
      }
    }, this.retry);
  }
}

function machineOf(instance: Instance): MachineInfo {
  const tags = runnerTagsOf(instance.Tags);
  return {
    computeId: instance.InstanceId ?? '',
    machine: instance.InstanceType,
    runnerName: tags['ghr:runner_name'],
    tags,
    launchedAt: instance.LaunchTime?.toISOString() ?? '',
  };
}

function checkOptions(options: Ec2ComputeOptions): void {
  const problems = [];
  if (options.environment.trim().length === 0) {
    problems.push({ key: 'environment', value: options.environment, message: 'must not be empty' });
  }
  if (!ACCOUNT_ID.test(options.accountId)) {
    problems.push({ key: 'account_id', value: options.accountId, message: 'must be 12 digits' });
  }
  const pageSize = options.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 5 || pageSize > 1000) {
    problems.push({ key: 'page_size', value: pageSize, message: 'must be 5 to 1000' });
  }
  if (problems.length > 0) throw new ValidationError('EC2 compute settings', problems);

  checkEc2Tiers(options.tiers);
}
