import type { Problem } from '../../core/errors.js';
import { ValidationError } from '../../core/errors.js';

/** The launch template a tier's instances start from; exactly one of `id` or `name`. */
export interface LaunchTemplateRef {
  readonly id?: string;
  readonly name?: string;
  /** A version number, `$Default` or `$Latest`; `$Default` when not given. */
  readonly version?: string;
}

/**
 * How one tier's runners are launched on EC2. The launch template carries the AMI, the
 * instance profile, the security groups, the boot script as user data, IMDSv2 and
 * "terminate on shutdown"; this adds what varies per tier.
 */
export interface Ec2TierLaunch {
  readonly launchTemplate: LaunchTemplateRef;
  /** Subnets to launch in; EC2 picks among them in one request. */
  readonly subnetIds: readonly string[];
  /** Instance types in order of preference; the tier's own list when not given. */
  readonly instanceTypes?: readonly string[];
  /** Spot first (falling back to on-demand) or on-demand only; the tier's choice when not given. */
  readonly spot?: boolean;
}

/** What one launch uses, once the tier's settings and the launch spec are combined. */
export interface ResolvedTierLaunch {
  readonly launchTemplate: LaunchTemplateRef;
  readonly subnetIds: readonly string[];
  readonly instanceTypes: readonly string[];
  readonly spot: boolean;
}

const INSTANCE_TYPE = /^[a-z0-9-]+\.[a-z0-9-]+$/;
const SUBNET_ID = /^subnet-[0-9a-f]+$/;

/** Checks every tier's launch settings at start-up and reports all problems at once. */
export function checkEc2Tiers(tiers: Readonly<Record<string, Ec2TierLaunch>>): void {
  const problems: Problem[] = [];

  if (Object.keys(tiers).length === 0) {
    problems.push({ key: 'tiers', value: tiers, message: 'at least one tier is required' });
  }
  for (const [name, tier] of Object.entries(tiers)) {
    checkTier(`tiers.${name}`, tier, problems);
  }

  if (problems.length > 0) throw new ValidationError('EC2 launch settings', problems);
}

function checkTier(key: string, tier: Ec2TierLaunch, problems: Problem[]): void {
  const { id, name } = tier.launchTemplate;
  if ((id === undefined) === (name === undefined)) {
    problems.push({
      key: `${key}.launch_template`,
      value: tier.launchTemplate,
      message: 'must name the launch template by exactly one of id or name',
    });
  }

  const subnets = tier.subnetIds;
  if (subnets.length === 0 || !subnets.every((subnet) => SUBNET_ID.test(subnet))) {
    problems.push({
      key: `${key}.subnet_ids`,
      value: subnets,
      message: 'must be a list of at least one subnet id (subnet-...)',
    });
  }

  const types = tier.instanceTypes;
  if (types !== undefined && !isInstanceTypeList(types)) {
    problems.push({
      key: `${key}.instance_types`,
      value: types,
      message: 'must be a list of at least one instance type (such as m7i.large)',
    });
  }
}

export function isInstanceTypeList(types: readonly string[]): boolean {
  return types.length > 0 && types.every((type) => INSTANCE_TYPE.test(type));
}
