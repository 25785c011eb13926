import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import type {
  DynamoStores,
  DynamoStoresOptions,
} from '../../../src/adapters/aws/dynamodb-stores.js';
import { createDynamoStores } from '../../../src/adapters/aws/dynamodb-stores.js';
import type { TableNames } from '../../../src/adapters/aws/dynamodb-tables.js';
import { createTables } from '../../../src/adapters/aws/dynamodb-tables.js';
import type { Moto } from '../../support/moto.js';
import { startMoto } from '../../support/moto.js';

/** Tables made for one test under a prefix of its own, and the stores on them. */
export interface DynamoScratch {
  readonly prefix: string;
  readonly tables: TableNames;
  readonly client: DynamoDBClient;
  readonly clock: ManualClock;
  readonly stores: DynamoStores;
}

export interface DynamoFixture {
  /**
   * A new client for the emulator, as a separate Lambda would have; with no SDK retries
   * unless `maxAttempts` says otherwise.
   */
  client(maxAttempts?: number): DynamoDBClient;
  /** Creates the tables under a fresh prefix, and stores on them. */
  scratch(options?: Partial<Omit<DynamoStoresOptions, 'prefix' | 'clock'>>): Promise<DynamoScratch>;
}

/**
 * Starts one moto_server for the test file (stopped after it) and isolates each test by a
 * fresh table prefix, which is cheaper than resetting the emulator.
 *
 * Every client shares one connection to moto, so moto handles one request at a time. moto
 * 5.2.1 runs requests on threads with no lock, and a cancelled TransactWriteItems restores a
 * copy of the whole table taken when it began, undoing what other requests committed
 * meanwhile. DynamoDB runs each transaction in isolation; one request at a time is how moto
 * does too. The clients still race where the adapter could go wrong: between one client's
 * read and its conditional write, any number of others read and write.
 */
export function dynamoFixture(): DynamoFixture {
  let moto: Moto | undefined;
  const oneAtATime = new Agent({ keepAlive: true, maxSockets: 1 });
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    oneAtATime.destroy();
    await moto?.stop();
  });

  const client = (maxAttempts = 1): DynamoDBClient => {
    if (moto === undefined) throw new Error('moto is not running: use the fixture inside a test');
    // No SDK retries by default, so what the adapter retries is all that is retried.
    return new DynamoDBClient({
      ...moto.clientConfig,
      maxAttempts,
      requestHandler: { httpAgent: oneAtATime },
    });
  };

  return {
    client,
    async scratch(options = {}) {
      const prefix = `t-${randomUUID().slice(0, 8)}`;
      const dynamo = options.client ?? client();
      const clock = new ManualClock();
      const tables = await createTables({ client: dynamo, prefix });
      const stores = createDynamoStores({ ...options, client: dynamo, prefix, clock });
      return { prefix, tables, client: dynamo, clock, stores };
    },
  };
}
