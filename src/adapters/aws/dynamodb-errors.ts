import { PlatformError } from '../../core/errors.js';

/** What a DynamoDB request was for, so an error can say what was attempted and where. */
export interface DynamoAttempt {
  /** e.g. `recording job 5001` */
  readonly attempt: string;
  /** The table the request went to (for a transaction, the one it is mostly about). */
  readonly table: string;
}

/** Exception names DynamoDB uses when it wants the caller to slow down and try again. */
const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
]);

/** Cancellation reason codes of a transaction that another try may get past. */
const TRANSIENT_CANCELLATION_CODES: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ProvisionedThroughputExceeded',
  'ThrottlingError',
  'RequestLimitExceeded',
]);

const CONDITION_FAILED = 'ConditionalCheckFailed';

/**
 * A conditional write, or one item of a transaction, found the item in another state than
 * the condition asked for. `failedItems` holds the indexes of the items whose condition failed
 * (0 for a single-item request), so the caller can tell a taken name from a moved counter.
 */
export class DynamoConditionFailed extends PlatformError {
  readonly failedItems: readonly number[];

  constructor(context: DynamoAttempt, failedItems: readonly number[], cause: unknown) {
    super(
      'conflict',
      `${context.attempt}: table ${context.table} no longer held what the write was conditioned ` +
        `on (item ${failedItems.join(', ')} failed its condition)`,
      { cause, details: { table: context.table, failed_items: failedItems } },
    );
    this.name = 'DynamoConditionFailed';
    this.failedItems = failedItems;
  }
}

/** True when the error asks for a retry after a pause: throttling or a transaction conflict. */
export function isDynamoThrottling(error: unknown): boolean {
  const name = errorName(error);
  if (name !== undefined && THROTTLING_NAMES.has(name)) return true;
  if (name !== 'TransactionCanceledException') return false;

  const codes = cancellationCodes(error);
  return (
    !codes.includes(CONDITION_FAILED) &&
    codes.some((code) => TRANSIENT_CANCELLATION_CODES.has(code))
  );
}

/**
 * Translates an SDK error into the shared vocabulary. Condition failures become
 * `DynamoConditionFailed`; throttling seen here has already used up its retries.
 */
export function dynamoError(context: DynamoAttempt, error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;

  const name = errorName(error) ?? 'unknown error';
  const details = { table: context.table, aws_error: name };

  if (name === 'ConditionalCheckFailedException') {
    return new DynamoConditionFailed(context, [0], error);
  }
  if (name === 'TransactionCanceledException') {
    const failed = conditionFailures(error);
    if (failed.length > 0) return new DynamoConditionFailed(context, failed, error);
  }
  if (isDynamoThrottling(error)) {
    return new PlatformError(
      'throttled',
      `${context.attempt}: DynamoDB kept refusing the request to table ${context.table} for ` +
        `load (${describe(name, error)}); try again later`,
      { cause: error, retryable: true, details },
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new PlatformError(
      'not_found',
      `${context.attempt}: table ${context.table} does not exist; create it (createTables or ` +
        'the Terraform module) before starting the control plane',
      { cause: error, details },
    );
  }
  return new PlatformError(
    'unavailable',
    `${context.attempt}: the request to table ${context.table} failed (${describe(name, error)})`,
    { cause: error, retryable: !isClientFault(error), details },
  );
}

/** Indexes of the transaction items whose condition failed; empty for any other error. */
export function conditionFailures(error: unknown): number[] {
  return cancellationCodes(error).flatMap((code, index) =>
    code === CONDITION_FAILED ? [index] : [],
  );
}

function cancellationCodes(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];

  const reasons = (error as { CancellationReasons?: unknown }).CancellationReasons;
  if (!Array.isArray(reasons)) return [];
  return reasons.map((reason: unknown) => {
    const code = (reason as { Code?: unknown } | null)?.Code;
    return typeof code === 'string' ? code : 'None';
  });
}

function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;

  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * A request DynamoDB refused as malformed (a bad expression, a wrong key type) fails the same
 * way every time, so it is not worth retrying. Network errors carry no `$fault` and are.
 */
function isClientFault(error: unknown): boolean {
  return (error as { $fault?: unknown } | null)?.$fault === 'client';
}

function describe(name: string, error: unknown): string {
  const codes = cancellationCodes(error);
  return codes.length > 0 ? `${name}: ${codes.join(', ')}` : name;
}
