import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

import type { Item } from '../../../src/adapters/aws/dynamodb-attributes.js';
import { jobKey, runnerKey } from '../../../src/adapters/aws/dynamodb-ledger-keys.js';
import { createDynamoStores } from '../../../src/adapters/aws/dynamodb-stores.js';
import {
  LEDGER_BY_STATE_INDEX,
  LEDGER_BY_TENANT_INDEX,
  createTables,
  tableNames,
} from '../../../src/adapters/aws/dynamodb-tables.js';
import { aJob, aSlotRequest, aTenant, expectRefused, minutesIn } from '../../contracts/fixtures.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();
const DAY_S = 86_400;

describe('createTables', () => {
  it('creates the three tables on demand, with the documented keys and indexes', async () => {
    const { client, tables } = await dynamo.scratch();
    const describe = async (name: string) =>
      (await client.send(new DescribeTableCommand({ TableName: name }))).Table;

    const tenants = await describe(tables.tenants);
    const ledger = await describe(tables.ledger);
    const deliveries = await describe(tables.deliveries);

    expect(tenants?.KeySchema).toEqual([{ AttributeName: 'installation_id', KeyType: 'HASH' }]);
    expect(tenants?.AttributeDefinitions).toEqual([
      { AttributeName: 'installation_id', AttributeType: 'N' },
    ]);
    expect(ledger?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(
      ledger?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema]),
    ).toEqual([
      [
        LEDGER_BY_TENANT_INDEX.name,
        [
          { AttributeName: 'tenant_key', KeyType: 'HASH' },
          { AttributeName: 'tenant_order', KeyType: 'RANGE' },
        ],
      ],
      [
        LEDGER_BY_STATE_INDEX.name,
        [
          { AttributeName: 'state_key', KeyType: 'HASH' },
          { AttributeName: 'state_order', KeyType: 'RANGE' },
        ],
      ],
    ]);
    expect(deliveries?.KeySchema).toEqual([{ AttributeName: 'delivery_id', KeyType: 'HASH' }]);
    for (const table of [tenants, ledger, deliveries]) {
      expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    }
  });

  it('enables TTL on expires_at for the ledger and deliveries, not for tenants', async () => {
    const { client, tables } = await dynamo.scratch();
    const ttl = async (name: string) =>
      (await client.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription;

    expect(await ttl(tables.ledger)).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expires_at',
    });
    expect(await ttl(tables.deliveries)).toMatchObject({ TimeToLiveStatus: 'ENABLED' });
    expect((await ttl(tables.tenants))?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('leaves existing tables and their items alone when run again', async () => {
    const { client, prefix, stores } = await dynamo.scratch();
    await stores.tenants.put(aTenant());

    await createTables({ client, prefix });

    expect(await stores.tenants.get(101)).toEqual(aTenant());
  });

  it('refuses a prefix DynamoDB would not accept in a table name', () => {
    expect(() => tableNames('my saas')).toThrow(/prefix must be/);
    expect(() => tableNames('')).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('refuses a retention that would expire rows at once', () => {
    const create = (days: number) => () =>
      createDynamoStores({
        client: dynamo.client(),
        prefix: 'p',
        clock: { now: () => 0 },
        ledgerRetentionDays: days,
      });

    expect(create(0)).toThrow(/ledgerRetentionDays must be a number of days above 0, got 0/);
    expect(create(Number.NaN)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('reports a store on tables that were never created as not_found naming the table', async () => {
    const stores = createDynamoStores({
      client: dynamo.client(),
      prefix: 'never-created',
      clock: { now: () => 0 },
    });

    await expectRefused(stores.tenants.get(1), 'not_found', 'never-created-tenants');
    await expectRefused(
      stores.ledger.takeSlot(aSlotRequest()),
      'not_found',
      'never-created-ledger',
    );
    await expectRefused(stores.deliveries.has('d-1'), 'not_found', 'never-created-deliveries');
  });
});

describe('expiry of finished rows', () => {
  const expiresAt = async (
    scratch: Awaited<ReturnType<typeof dynamo.scratch>>,
    key: Item,
  ): Promise<number | undefined> => {
    const item = (
      await scratch.client.send(
        new GetItemCommand({ TableName: scratch.tables.ledger, Key: key, ConsistentRead: true }),
      )
    ).Item;
    const value = item?.['expires_at']?.N;
    return value === undefined ? undefined : Number(value);
  };

  it('sets expires_at 30 days on when a job completes or a runner is done, never before', async () => {
    const scratch = await dynamo.scratch();
    const { ledger } = scratch.stores;
    const now = () => Math.floor(scratch.clock.now() / 1000);

    await ledger.observeJob(aJob());
    await ledger.takeSlot(aSlotRequest({ runnerName: 'r1' }));
    await ledger.updateRunner('r1', { state: 'busy', at: minutesIn(3) });
    await ledger.observeJob(aJob({ status: 'in_progress', at: minutesIn(3) }));
    const whileActive = [
      await expiresAt(scratch, jobKey(5001)),
      await expiresAt(scratch, runnerKey('r1')),
    ];

    scratch.clock.advance(3_600_000);
    await ledger.observeJob(aJob({ status: 'completed', at: minutesIn(60) }));
    await ledger.updateRunner('r1', { state: 'done', at: minutesIn(60) });

    expect(whileActive).toEqual([undefined, undefined]);
    expect(await expiresAt(scratch, jobKey(5001))).toBe(now() + 30 * DAY_S);
    expect(await expiresAt(scratch, runnerKey('r1'))).toBe(now() + 30 * DAY_S);
  });

  it('takes the retention from ledgerRetentionDays, and keeps deliveries 7 days', async () => {
    const scratch = await dynamo.scratch({ ledgerRetentionDays: 2 });
    const now = Math.floor(scratch.clock.now() / 1000);

    await scratch.stores.ledger.observeJob(aJob({ status: 'completed' }));
    await scratch.stores.deliveries.record('d-1', 'workflow_job', minutesIn(1));
    const delivery = (
      await scratch.client.send(
        new GetItemCommand({
          TableName: scratch.tables.deliveries,
          Key: { delivery_id: { S: 'd-1' } },
        }),
      )
    ).Item;

    expect(await expiresAt(scratch, jobKey(5001))).toBe(now + 2 * DAY_S);
    expect(delivery).toEqual({
      delivery_id: { S: 'd-1' },
      event: { S: 'workflow_job' },
      received_at: { S: minutesIn(1) },
      expires_at: { N: String(now + 7 * DAY_S) },
    });
  });
});

describe('pagination', () => {
  it('follows LastEvaluatedKey through every page of scans and queries', async () => {
    const scratch = await dynamo.scratch({ pageSize: 2 });
    const { tenants, ledger } = scratch.stores;
    for (let id = 1; id <= 7; id += 1) {
      await tenants.put(aTenant({ installationId: id, status: id % 2 ? 'active' : 'suspended' }));
      await ledger.observeJob(aJob({ id, status: id <= 5 ? 'queued' : 'waiting' }));
    }
    for (let i = 1; i <= 5; i += 1) {
      await ledger.takeSlot(aSlotRequest({ runnerName: `r${i}`, at: minutesIn(i) }));
    }

    expect((await tenants.list()).map((t) => t.installationId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await tenants.list({ status: 'active' })).map((t) => t.installationId)).toEqual([
      1, 3, 5, 7,
    ]);
    expect((await ledger.listJobs()).map((j) => j.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await ledger.listJobs({ installationId: 101, status: 'queued' })).toHaveLength(5);
    expect((await ledger.listRunners({ states: ['launching'] })).map((r) => r.name)).toEqual([
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
    ]);
  });
});
