import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';

import { createDynamoDecisionLog } from '../../../src/adapters/aws/dynamodb-decision-log.js';
import { decisionLogContract } from '../../contracts/decision-log.contract.js';
import { minutesIn } from '../../contracts/fixtures.js';
import type { DynamoScratch } from './dynamo-fixture.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();

let current: DynamoScratch | undefined;
beforeEach(async () => {
  current = await dynamo.scratch();
});
const scratch = (): DynamoScratch => {
  if (current === undefined) throw new Error('no scratch tables for this test');
  return current;
};

const logOf = (keepPerTenant: number) =>
  createDynamoDecisionLog({
    client: scratch().client,
    prefix: scratch().prefix,
    clock: scratch().clock,
    keepPerTenant,
  });

describe('DecisionLog (dynamodb)', () => decisionLogContract(logOf));

describe('DynamoDecisionLog in the ledger table', () => {
  it('keeps decisions out of the ledger: no job or runner listing sees them', async () => {
    const log = logOf(10);
    await log.record({
      installationId: 101,
      tier: 'small',
      reason: 'at_tenant_limit',
      launched: 0,
      jobId: undefined,
      detail: undefined,
      at: minutesIn(1),
    });

    expect(await scratch().stores.ledger.listJobs()).toEqual([]);
    expect(await scratch().stores.ledger.listRunners()).toEqual([]);
    expect(await scratch().stores.ledger.listRunners({ installationId: 101 })).toEqual([]);
    expect(await log.listRecent(101, 10)).toHaveLength(1);
  });

  it('sets a TTL two weeks after the last repeat', async () => {
    const { clock, client, tables } = scratch();
    const log = logOf(10);
    const decision = {
      installationId: 101,
      tier: 'small',
      reason: 'at_tier_limit' as const,
      launched: 0,
      jobId: undefined,
      detail: undefined,
      at: minutesIn(1),
    };
    await log.record(decision);
    clock.advance(3_600_000);
    await log.record({ ...decision, at: minutesIn(61) });

    const [stored] = await log.listRecent(101, 1);
    const sortKey = await firstSortKey(client, tables.ledger);
    const item = await client.send(
      new GetItemCommand({
        TableName: tables.ledger,
        Key: { pk: { S: 'DECISIONS#101' }, sk: { S: sortKey } },
      }),
    );

    expect(stored).toMatchObject({ repeats: 2, lastAt: minutesIn(61) });
    expect(Number(item.Item?.['expires_at']?.N)).toBe(Math.floor(clock.now() / 1000) + 14 * 86_400);
  });
});

async function firstSortKey(client: DynamoScratch['client'], table: string): Promise<string> {
  const page = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'DECISIONS#101' } },
    }),
  );
  return page.Items?.[0]?.['sk']?.S ?? '';
}
