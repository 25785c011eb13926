import { createHash } from 'node:crypto';

import type { CreateFleetCommandInput, ResourceType, _InstanceType } from '@aws-sdk/client-ec2';

import type { RunnerTags } from '../../core/ports/compute.js';
import type { ResolvedTierLaunch } from './ec2-tier-launch.js';
import { awsTagList } from './ec2-runner-tags.js';

export type Market = 'spot' | 'on-demand';

/**
 * One CreateFleet call of a launch: a market, and the instance types still in the running
 * (from the preferred one left on). `index` numbers the calls of one launch from 0.
 */
export interface FleetAttempt {
  readonly index: number;
  readonly market: Market;
  readonly instanceTypes: readonly string[];
}

/**
 * Where a runner lands costs its tenant and us, so every resource the launch creates carries
 * its tags from the first moment; CreateFleet of type `instant` tags all three at launch.
 */
const TAGGED_AT_LAUNCH: readonly ResourceType[] = ['instance', 'volume', 'network-interface'];

/**
 * The calls a launch makes, in order, until one gets an instance: each instance type in turn
 * (with the less preferred ones behind it, so EC2 may still pick one of them), first on Spot
 * when the tier asks for it, then on-demand.
 */
export function fleetAttempts(launch: ResolvedTierLaunch): FleetAttempt[] {
  const markets: Market[] = launch.spot ? ['spot', 'on-demand'] : ['on-demand'];
  const attempts: FleetAttempt[] = [];

  for (const market of markets) {
    launch.instanceTypes.forEach((_, first) => {
      attempts.push({
        index: attempts.length,
        market,
        instanceTypes: launch.instanceTypes.slice(first),
      });
    });
  }
  return attempts;
}

/**
 * The idempotency token of one call: the same runner and call always send the same token, so
 * a create repeated after a lost answer returns the fleet already made instead of a second
 * instance. EC2 takes up to 64 ASCII characters.
 */
export function fleetClientToken(runnerName: string, attempt: FleetAttempt): string {
  return createHash('sha256').update(`${runnerName}\n${attempt.index}`).digest('hex');
}

/** The CreateFleet request of one attempt: one instance from the tier's launch template. */
export function fleetRequest(
  launch: ResolvedTierLaunch,
  attempt: FleetAttempt,
  runnerName: string,
  tags: RunnerTags,
): CreateFleetCommandInput {
  const { id, name, version } = launch.launchTemplate;
  const overrides = attempt.instanceTypes.flatMap((instanceType, priority) =>
    launch.subnetIds.map((subnetId) => ({
      // The SDK lists the types it knew when it was built; newer ones are just as valid.
      InstanceType: instanceType as _InstanceType,
      SubnetId: subnetId,
      Priority: priority,
    })),
  );
  const tagList = awsTagList(tags);

  return {
    Type: 'instant',
    ClientToken: fleetClientToken(runnerName, attempt),
    LaunchTemplateConfigs: [
      {
        LaunchTemplateSpecification: {
          ...(id !== undefined ? { LaunchTemplateId: id } : { LaunchTemplateName: name }),
          Version: version ?? '$Default',
        },
        Overrides: overrides,
      },
    ],
    TargetCapacitySpecification: {
      TotalTargetCapacity: 1,
      DefaultTargetCapacityType: attempt.market,
    },
    ...(attempt.market === 'spot'
      ? { SpotOptions: { AllocationStrategy: 'capacity-optimized-prioritized' } }
      : { OnDemandOptions: { AllocationStrategy: 'prioritized' } }),
    TagSpecifications: TAGGED_AT_LAUNCH.map((resourceType) => ({
      ResourceType: resourceType,
      Tags: tagList,
    })),
  };
}
