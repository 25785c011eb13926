import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

import type { DynamoRetryPolicy } from '../../../src/adapters/aws/dynamodb-retry.js';
import { aJob, aSlotRequest, expectRefused } from '../../contracts/fixtures.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();

/** Retries without waiting, counting the pauses it would have made. */
function quickRetry(maxAttempts: number): { retry: DynamoRetryPolicy; pauses: () => number } {
  let pauses = 0;
  return {
    retry: {
      maxAttempts,
      baseDelayMs: 10,
      maxDelayMs: 100,
      sleep: async () => {
        pauses += 1;
      },
      random: () => 0.5,
    },
    pauses: () => pauses,
  };
}

let injections = 0;

/**
 * moto never throttles, so the client refuses the next `times` requests of `operation` the
 * way DynamoDB does, before they leave the process.
 */
function throttle(client: DynamoDBClient, operation: string, times: number, error: () => Error) {
  let left = times;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === `${operation}Command` && left > 0) {
        left -= 1;
        throw error();
      }
      return next(args);
    },
    { step: 'initialize', name: `injectThrottling${(injections += 1)}` },
  );
}

const overCapacity = (): Error =>
  new ProvisionedThroughputExceededException({
    $metadata: { httpStatusCode: 400 },
    message: 'The level of configured provisioned throughput for the table was exceeded',
  });
const conflicting = (): Error =>
  new TransactionCanceledException({
    $metadata: { httpStatusCode: 400 },
    message: 'Transaction cancelled',
    CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
  });

describe('throttling met by the stores', () => {
  it('takes the slot once DynamoDB stops cancelling for conflicts, and writes it once', async () => {
    const { retry, pauses } = quickRetry(6);
    const client = dynamo.client();
    const { stores } = await dynamo.scratch({ client, retry });
    await stores.ledger.observeJob(aJob());
    throttle(client, 'TransactWriteItems', 3, conflicting);

    const decision = await stores.ledger.takeSlot(aSlotRequest({ runnerName: 'r1' }));

    expect(decision.taken).toBe(true);
    expect(pauses()).toBe(3);
    expect(await stores.ledger.listRunners()).toMatchObject([{ name: 'r1', state: 'launching' }]);
  });

  it('gives up with a retryable throttled error, having written nothing', async () => {
    const { retry, pauses } = quickRetry(3);
    const client = dynamo.client();
    const { stores } = await dynamo.scratch({ client, retry });
    throttle(client, 'TransactWriteItems', 10, overCapacity);

    const error = await stores.ledger.observeJob(aJob()).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'throttled', retryable: true });
    expect(pauses()).toBe(2);
    expect(await stores.ledger.getJob(5001)).toBeUndefined();
    expect(await stores.ledger.takeSlot(aSlotRequest())).toEqual({
      taken: false,
      reason: 'no_demand',
    });
  });

  it('retries a throttled read of the tenant table too', async () => {
    const { retry } = quickRetry(4);
    const client = dynamo.client();
    const { stores } = await dynamo.scratch({ client, retry });
    throttle(client, 'GetItem', 3, overCapacity);

    expect(await stores.tenants.get(404)).toBeUndefined();
    throttle(client, 'GetItem', 4, overCapacity);
    await expectRefused(stores.tenants.get(404), 'throttled', 'reading tenant 404');
  });
});
