import { PlatformError, type ErrorCode } from '../../core/errors.js';

/**
 * EC2 error codes that mean "no machine of this kind here, now": worth trying another instance
 * type or market, and worth retrying later. Spot answers with the last two when its pools are
 * empty or the account's Spot quota is used up.
 */
const CAPACITY_CODES: ReadonlySet<string> = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'UnfulfillableCapacity',
  'MaxSpotInstanceCountExceeded',
]);

const THROTTLING_CODES: ReadonlySet<string> = new Set(['RequestLimitExceeded', 'Throttling']);

const UNAUTHORIZED_CODES: ReadonlySet<string> = new Set(['UnauthorizedOperation', 'AuthFailure']);

const INVALID_INPUT_CODES: ReadonlySet<string> = new Set([
  'InvalidInstanceID.Malformed',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'MissingParameter',
]);

/** The EC2 error code of whatever an SDK call threw, or undefined for errors without one. */
export function ec2ErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;

  const { Code, name, $fault } = error as { Code?: unknown; name?: unknown; $fault?: unknown };
  if (typeof Code === 'string' && Code.length > 0) return Code;
  // The SDK names a service exception after the code the service sent; an error without
  // `$fault` never reached the service (a timeout, a refused connection).
  if ($fault !== undefined && typeof name === 'string' && name.length > 0) return name;
  return undefined;
}

export function isCapacityCode(code: string | undefined): boolean {
  return code !== undefined && CAPACITY_CODES.has(code);
}

/** What a code means to the product; anything unknown is `unavailable` (retryable). */
export function errorCodeForEc2(code: string | undefined): ErrorCode {
  if (code === undefined) return 'unavailable';
  if (CAPACITY_CODES.has(code)) return 'capacity';
  if (THROTTLING_CODES.has(code)) return 'throttled';
  if (UNAUTHORIZED_CODES.has(code)) return 'unauthorized';
  if (INVALID_INPUT_CODES.has(code)) return 'invalid_input';
  if (code.endsWith('.NotFound') || code.endsWith('.NotFoundException')) return 'not_found';
  return 'unavailable';
}

/**
 * Translates what an EC2 call threw into the product's vocabulary. `attempted` says what was
 * being done ("creating a fleet for runner ghr-1-small-ab"); `details` keeps EC2's code and
 * request id, so an operator can find the call in CloudTrail.
 */
export function toEc2PlatformError(error: unknown, attempted: string): PlatformError {
  if (error instanceof PlatformError) return error;

  const code = ec2ErrorCode(error);
  const requestId = (error as { $metadata?: { requestId?: string } })?.$metadata?.requestId;
  const reason = error instanceof Error ? error.message : String(error);
  const seen =
    code === undefined ? `the request failed (${reason})` : `EC2 answered ${code} (${reason})`;

  return new PlatformError(errorCodeForEc2(code), `${attempted}: ${seen}`, {
    cause: error,
    details: { aws_code: code, request_id: requestId },
  });
}
