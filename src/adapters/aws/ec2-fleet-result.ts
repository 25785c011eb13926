import type { CreateFleetCommandOutput } from '@aws-sdk/client-ec2';

import { PlatformError } from '../../core/errors.js';
import { errorCodeForEc2, isCapacityCode } from './ec2-errors.js';

export interface FleetInstance {
  readonly instanceId: string;
  readonly instanceType: string;
}

/** The instances an instant fleet launched, in the order it reported them. */
export function fleetInstances(output: CreateFleetCommandOutput): FleetInstance[] {
  return (output.Instances ?? []).flatMap((group) =>
    (group.InstanceIds ?? []).map((instanceId) => ({
      instanceId,
      instanceType: group.InstanceType ?? 'unknown',
    })),
  );
}

/**
 * Why an instant fleet launched nothing. An instant fleet answers a request it accepted with
 * success and lists per-pool failures in `Errors`; when any of them is a capacity error the
 * launch may still succeed elsewhere, so the whole answer counts as `capacity`.
 */
export function fleetFailure(output: CreateFleetCommandOutput, attempted: string): PlatformError {
  const errors = output.Errors ?? [];
  const codes = [...new Set(errors.map((error) => error.ErrorCode ?? 'unknown'))];
  const details = { aws_codes: codes, request_id: output.$metadata?.requestId };

  if (codes.some(isCapacityCode)) {
    return new PlatformError(
      'capacity',
      `${attempted}: the fleet launched no instance (EC2 reported ${codes.join(', ')})`,
      { details },
    );
  }
  if (codes.length === 0) {
    return new PlatformError(
      'unavailable',
      `${attempted}: the fleet launched no instance and reported no error`,
      { details },
    );
  }
  const first = errors[0];
  return new PlatformError(
    errorCodeForEc2(first?.ErrorCode),
    `${attempted}: the fleet launched no instance (EC2 reported ${codes.join(', ')}: ${first?.ErrorMessage ?? 'no message'})`,
    { details },
  );
}
