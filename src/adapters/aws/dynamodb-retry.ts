import type { DynamoAttempt } from './dynamodb-errors.js';
import { dynamoError, isDynamoThrottling } from './dynamodb-errors.js';

/**
 * How long the adapter keeps trying a request DynamoDB throttled or cancelled for a
 * conflicting transaction. Each pause is drawn at random between 0 and the capped exponential
 * delay ("full jitter"), so Lambdas that collided do not collide again in step.
 */
export interface DynamoRetryPolicy {
  /** Tries in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1). */
  readonly random: () => number;
}

export const DEFAULT_DYNAMO_RETRY: DynamoRetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 25,
  maxDelayMs: 1_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Runs one DynamoDB request, trying again after throttling, and translates what finally
 * fails into a `PlatformError` (throttling left over becomes `throttled`, retryable).
 */
export async function withDynamoRetry<T>(
  context: DynamoAttempt,
  request: () => Promise<T>,
  policy: DynamoRetryPolicy = DEFAULT_DYNAMO_RETRY,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      if (!isDynamoThrottling(error) || attempt >= policy.maxAttempts) {
        throw dynamoError(context, error);
      }

      await policy.sleep(backoffDelay(attempt, policy));
    }
  }
}

/** The pause after try number `attempt` (1-based). */
export function backoffDelay(attempt: number, policy: DynamoRetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(policy.random() * ceiling);
}
