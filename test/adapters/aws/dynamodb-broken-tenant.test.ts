import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

import { aJob, aSlotRequest, aTenant, expectRefused } from '../../contracts/fixtures.js';
import type { DynamoScratch } from './dynamo-fixture.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();

async function breakTenant(
  scratch: DynamoScratch,
  installationId: number,
  attribute: string,
  value: AttributeValue,
): Promise<void> {
  await scratch.client.send(
    new UpdateItemCommand({
      TableName: scratch.tables.tenants,
      Key: { installation_id: { N: String(installationId) } },
      UpdateExpression: 'SET #a = :v',
      ExpressionAttributeNames: { '#a': attribute },
      ExpressionAttributeValues: { ':v': value },
    }),
  );
}

describe('a tenant item an operator broke by hand', () => {
  it.each<[string, string, AttributeValue, string]>([
    ['max_runners as a string', 'max_runners', { S: '5' }, '{"S":"5"}'],
    ['max_runners as a fraction', 'max_runners', { N: '2.5' }, '2.5'],
    ['max_runners below zero', 'max_runners', { N: '-1' }, '-1'],
    ['an unknown status', 'status', { S: 'paused' }, '"paused"'],
    ['status as a number', 'status', { N: '1' }, '{"N":"1"}'],
    ['an empty tier', 'tier', { S: '' }, '""'],
    ['a tier cap as a string', 'tier_overrides', { M: { large: { S: 'two' } } }, '{"S":"two"}'],
    ['updated_at that is not a time', 'updated_at', { S: 'yesterday' }, '"yesterday"'],
    ['an unknown account type', 'account_type', { S: 'Team' }, '"Team"'],
  ])(
    'refuses %s with invalid_input naming the installation, attribute and value',
    async (_case, attribute, value, shown) => {
      const scratch = await dynamo.scratch();
      await scratch.stores.tenants.createIfAbsent(aTenant({ installationId: 12345678 }));
      await breakTenant(scratch, 12345678, attribute, value);

      await expectRefused(
        scratch.stores.tenants.get(12345678),
        'invalid_input',
        'tenant 12345678',
        scratch.tables.tenants,
        attribute,
        shown,
      );
    },
  );

  it('names every broken attribute of an item at once, and a missing one', async () => {
    const scratch = await dynamo.scratch();
    await scratch.client.send(
      new PutItemCommand({
        TableName: scratch.tables.tenants,
        Item: {
          installation_id: { N: '77' },
          status: { S: 'paused' },
          max_runners: { S: 'many' },
          account_login: { S: 'x' },
          account_type: { S: 'Organization' },
          created_at: { S: '2024-01-01T00:00:00Z' },
          updated_at: { S: '2024-01-01T00:00:00Z' },
        },
      }),
    );

    const error = await scratch.stores.tenants.get(77).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'invalid_input', details: { installation_id: '77' } });
    const message = (error as Error).message;
    expect(message).toContain('status: must be one of active, suspended, deleted (got "paused")');
    expect(message).toContain('max_runners: must be a number (N) (got {"S":"many"})');
    expect(message).toContain('tier: is missing');
  });

  it('leaves other tenants, their updates and the ledger working', async () => {
    const scratch = await dynamo.scratch();
    const { tenants, ledger } = scratch.stores;
    await tenants.createIfAbsent(aTenant({ installationId: 1 }));
    await tenants.createIfAbsent(aTenant({ installationId: 2, status: 'suspended' }));
    await breakTenant(scratch, 1, 'max_runners', { S: 'five' });

    const other = await tenants.update(2, { status: 'active', updatedAt: '2024-02-01T00:00:00Z' });
    const created = await tenants.createIfAbsent(aTenant({ installationId: 3 }));
    await ledger.observeJob(aJob({ installationId: 1 }));
    const slot = await ledger.takeSlot(aSlotRequest({ installationId: 1 }));

    expect(other).toMatchObject({ installationId: 2, status: 'active' });
    expect(created.installationId).toBe(3);
    expect(await tenants.get(2)).toMatchObject({ status: 'active' });
    expect(slot.taken).toBe(true);
    await expectRefused(tenants.update(1, { updatedAt: '2024-02-01T00:00:00Z' }), 'invalid_input');
  });

  it('refuses a listing that meets the broken item, and lists again once it is fixed', async () => {
    const scratch = await dynamo.scratch();
    const { tenants } = scratch.stores;
    await tenants.createIfAbsent(aTenant({ installationId: 1 }));
    await tenants.createIfAbsent(aTenant({ installationId: 2, status: 'suspended' }));
    await breakTenant(scratch, 1, 'max_runners', { S: 'five' });

    await expectRefused(tenants.list(), 'invalid_input', 'tenant 1', 'max_runners');
    const suspended = await tenants.list({ status: 'suspended' });
    await breakTenant(scratch, 1, 'max_runners', { N: '5' });
    const fixed = await tenants.list();

    expect(suspended.map((t) => t.installationId)).toEqual([2]);
    expect(fixed.map((t) => t.installationId)).toEqual([1, 2]);
  });
});
