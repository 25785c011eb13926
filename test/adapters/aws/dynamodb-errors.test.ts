import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

import {
  DynamoConditionFailed,
  dynamoError,
  isDynamoThrottling,
} from '../../../src/adapters/aws/dynamodb-errors.js';
import type { DynamoRetryPolicy } from '../../../src/adapters/aws/dynamodb-retry.js';
import { backoffDelay, withDynamoRetry } from '../../../src/adapters/aws/dynamodb-retry.js';
import { PlatformError } from '../../../src/core/errors.js';

const context = { attempt: 'taking a slot for runner ghr-1', table: 'my-saas-ledger' };
const meta = { $metadata: { httpStatusCode: 400 } };

const cancelled = (...codes: string[]): TransactionCanceledException =>
  new TransactionCanceledException({
    ...meta,
    message: 'Transaction cancelled',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const throttles: [string, () => Error][] = [
  [
    'ProvisionedThroughputExceededException',
    () => new ProvisionedThroughputExceededException({ ...meta, message: 'slow down' }),
  ],
  ['ThrottlingException', () => new ThrottlingException({ ...meta, message: 'slow down' })],
  ['RequestLimitExceeded', () => new RequestLimitExceeded({ ...meta, message: 'slow down' })],
  [
    'TransactionConflictException',
    () => new TransactionConflictException({ ...meta, message: 'in a transaction' }),
  ],
  ['a transaction cancelled for a conflict', () => cancelled('None', 'TransactionConflict')],
  ['a transaction cancelled for throughput', () => cancelled('ThrottlingError', 'None')],
];

/** A policy that records its pauses instead of sleeping, with the jitter at its ceiling. */
function recordingPolicy(maxAttempts = 4): { policy: DynamoRetryPolicy; pauses: number[] } {
  const pauses: number[] = [];
  const policy: DynamoRetryPolicy = {
    maxAttempts,
    baseDelayMs: 20,
    maxDelayMs: 50,
    sleep: async (ms) => {
      pauses.push(ms);
    },
    random: () => 0.999,
  };
  return { policy, pauses };
}

/** A request that fails with each error in turn, then answers `done`. */
function failing(...errors: Error[]): { request: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    request: async () => {
      const error = errors[calls];
      calls += 1;
      if (error !== undefined) throw error;
      return 'done';
    },
    calls: () => calls,
  };
}

describe('dynamoError', () => {
  it('turns a failed condition into DynamoConditionFailed (conflict) for item 0', () => {
    const error = dynamoError(
      context,
      new ConditionalCheckFailedException({ ...meta, message: 'The conditional request failed' }),
    );

    expect(error).toBeInstanceOf(DynamoConditionFailed);
    expect(error).toMatchObject({ code: 'conflict', retryable: false, failedItems: [0] });
  });

  it('names the transaction items whose condition failed', () => {
    const error = dynamoError(context, cancelled('None', 'ConditionalCheckFailed', 'None'));

    expect(error).toBeInstanceOf(DynamoConditionFailed);
    expect((error as DynamoConditionFailed).failedItems).toEqual([1]);
    expect(error.message).toContain('my-saas-ledger');
  });

  it.each(throttles)('reports %s left over after retries as throttled, retryable', (_n, make) => {
    const error = dynamoError(context, make());

    expect(error).toMatchObject({ code: 'throttled', retryable: true });
    expect(error.message).toContain('taking a slot for runner ghr-1');
  });

  it('reports a missing table as not_found with the table name', () => {
    const error = dynamoError(
      context,
      new ResourceNotFoundException({ ...meta, message: 'Requested resource not found' }),
    );

    expect(error).toMatchObject({ code: 'not_found', details: { table: 'my-saas-ledger' } });
    expect(error.message).toContain('table my-saas-ledger does not exist');
  });

  it.each<[string, unknown, boolean]>([
    [
      'a request DynamoDB refused as malformed',
      new DynamoDBServiceException({
        name: 'ValidationException',
        $fault: 'client',
        ...meta,
        message: 'Invalid UpdateExpression',
      }),
      false,
    ],
    [
      'an internal server error',
      new InternalServerError({ $metadata: { httpStatusCode: 500 }, message: 'oops' }),
      true,
    ],
    ['a network failure', Object.assign(new Error('connect ECONNREFUSED'), { code: 'E' }), true],
    ['a cancellation for an invalid item', cancelled('ValidationError', 'None'), false],
  ])('reports %s as unavailable with the cause', (_name, cause, retryable) => {
    const error = dynamoError(context, cause);

    expect(error).toMatchObject({ code: 'unavailable', retryable });
    expect(error.cause).toBe(cause);
  });

  it('branches on the error name, never on its message', () => {
    const renamed = new ResourceNotFoundException({ ...meta, message: 'ThrottlingException' });
    const worded = new DynamoDBServiceException({
      name: 'SomethingElse',
      $fault: 'server',
      ...meta,
      message: 'ConditionalCheckFailedException: Requested resource not found',
    });

    expect(dynamoError(context, renamed).code).toBe('not_found');
    expect(dynamoError(context, worded).code).toBe('unavailable');
    expect(isDynamoThrottling(worded)).toBe(false);
  });

  it('passes a PlatformError through unchanged', () => {
    const original = new PlatformError('invalid_input', 'bad');

    expect(dynamoError(context, original)).toBe(original);
  });
});

describe('withDynamoRetry', () => {
  it.each(throttles)('tries again after %s, pausing with backoff', async (_n, make) => {
    const { policy, pauses } = recordingPolicy();
    const requests = failing(make(), make());

    const answer = await withDynamoRetry(context, requests.request, policy);

    expect(answer).toBe('done');
    expect(requests.calls()).toBe(3);
    expect(pauses).toEqual([19, 39]);
  });

  it('gives up after maxAttempts with a retryable throttled error', async () => {
    const { policy, pauses } = recordingPolicy(4);
    const make = (): Error => new ThrottlingException({ ...meta, message: 'slow down' });
    const requests = failing(make(), make(), make(), make(), make());

    const error = await withDynamoRetry(context, requests.request, policy).catch((e) => e);

    expect(error).toMatchObject({ code: 'throttled', retryable: true });
    expect(requests.calls()).toBe(4);
    expect(pauses).toEqual([19, 39, 49]);
  });

  it('does not retry a failed condition, even alongside a conflict', async () => {
    const { policy } = recordingPolicy();
    const requests = failing(cancelled('ConditionalCheckFailed', 'TransactionConflict'));

    const error = await withDynamoRetry(context, requests.request, policy).catch((e) => e);

    expect(error).toBeInstanceOf(DynamoConditionFailed);
    expect(requests.calls()).toBe(1);
  });

  it('does not retry a missing table or a malformed request', async () => {
    const { policy } = recordingPolicy();
    const requests = failing(new ResourceNotFoundException({ ...meta, message: 'gone' }));

    const error = await withDynamoRetry(context, requests.request, policy).catch((e) => e);

    expect(error).toMatchObject({ code: 'not_found' });
    expect(requests.calls()).toBe(1);
  });
});

describe('backoffDelay', () => {
  it('doubles the ceiling per try up to the cap, and draws the pause below it', () => {
    const { policy } = recordingPolicy();
    const half = { ...policy, random: () => 0.5 };

    expect([1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, half))).toEqual([
      10, 20, 25, 25, 25,
    ]);
    expect(backoffDelay(3, { ...policy, random: () => 0 })).toBe(0);
  });
});
