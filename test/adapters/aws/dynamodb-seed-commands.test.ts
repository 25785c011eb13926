import {
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

import { aTenant } from '../../contracts/fixtures.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();

/**
 * The README's "Monitoring Tenants" commands, sent through the SDK with the same table, key,
 * expressions and values as the `aws dynamodb` lines there, against what our store wrote.
 */
describe('the seed README’s aws dynamodb commands against our tenants table', () => {
  it('lists the active tenants with scan --filter-expression "#s = :active"', async () => {
    const { client, tables, stores } = await dynamo.scratch();
    await stores.tenants.put(aTenant({ installationId: 12345678 }));
    await stores.tenants.put(aTenant({ installationId: 222, status: 'suspended' }));
    await stores.tenants.put(aTenant({ installationId: 333, accountLogin: 'other-org' }));

    const output = await client.send(
      new ScanCommand({
        TableName: tables.tenants,
        FilterExpression: '#s = :active',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':active': { S: 'active' } },
      }),
    );

    const ids = (output.Items ?? []).map((item) => item['installation_id']?.N).sort();
    expect(ids).toEqual(['12345678', '333']);
  });

  it('shows the tenant’s attributes with get-item --key {"installation_id": {"N": …}}', async () => {
    const { client, tables, stores } = await dynamo.scratch();
    await stores.tenants.createIfAbsent(
      aTenant({ installationId: 12345678, tier: 'small', maxRunners: 2 }),
    );

    const output = await client.send(
      new GetItemCommand({
        TableName: tables.tenants,
        Key: { installation_id: { N: '12345678' } },
      }),
    );

    expect(output.Item).toEqual({
      installation_id: { N: '12345678' },
      account_login: { S: 'octo-org' },
      account_type: { S: 'Organization' },
      status: { S: 'active' },
      tier: { S: 'small' },
      max_runners: { N: '2' },
      tier_overrides: { M: {} },
      created_at: { S: '2024-01-01T00:00:00.000Z' },
      updated_at: { S: '2024-01-01T00:00:00.000Z' },
    });
  });

  it('reads back an upgrade made with update-item "SET tier = :tier, max_runners = :max, updated_at = :now"', async () => {
    const { client, tables, stores } = await dynamo.scratch();
    const before = aTenant({ installationId: 12345678, tier: 'small', maxRunners: 2 });
    await stores.tenants.createIfAbsent(before);

    await client.send(
      new UpdateItemCommand({
        TableName: tables.tenants,
        Key: { installation_id: { N: '12345678' } },
        UpdateExpression: 'SET tier = :tier, max_runners = :max, updated_at = :now',
        ExpressionAttributeValues: {
          ':tier': { S: 'medium' },
          ':max': { N: '5' },
          ':now': { S: '2024-01-15T12:00:00Z' },
        },
      }),
    );

    expect(await stores.tenants.get(12345678)).toEqual({
      ...before,
      tier: 'medium',
      maxRunners: 5,
      updatedAt: '2024-01-15T12:00:00Z',
    });
    expect(await stores.tenants.list({ status: 'active' })).toMatchObject([
      { installationId: 12345678, tier: 'medium', maxRunners: 5 },
    ]);
  });

  it('keeps an operator’s update-item when the store then patches another field', async () => {
    const { client, tables, stores } = await dynamo.scratch();
    await stores.tenants.createIfAbsent(aTenant({ installationId: 12345678 }));
    await client.send(
      new UpdateItemCommand({
        TableName: tables.tenants,
        Key: { installation_id: { N: '12345678' } },
        UpdateExpression: 'SET tier = :tier, max_runners = :max, updated_at = :now',
        ExpressionAttributeValues: {
          ':tier': { S: 'large' },
          ':max': { N: '10' },
          ':now': { S: '2024-01-15T12:00:00Z' },
        },
      }),
    );

    const suspended = await stores.tenants.update(12345678, {
      status: 'suspended',
      updatedAt: '2024-01-16T00:00:00Z',
    });

    expect(suspended).toMatchObject({ status: 'suspended', tier: 'large', maxRunners: 10 });
  });

  it('reads an item written by hand with only the seed’s attributes and no tier_overrides', async () => {
    const { client, tables, stores } = await dynamo.scratch();
    await client.send(
      new PutItemCommand({
        TableName: tables.tenants,
        Item: {
          installation_id: { N: '12345678' },
          account_login: { S: 'hand-made' },
          account_type: { S: 'User' },
          status: { S: 'active' },
          tier: { S: 'small' },
          max_runners: { N: '2' },
          created_at: { S: '2024-01-15T12:00:00Z' },
          updated_at: { S: '2024-01-15T12:00:00Z' },
        },
      }),
    );

    expect(await stores.tenants.get(12345678)).toMatchObject({
      accountType: 'User',
      tierOverrides: {},
      runnerGroup: undefined,
    });
  });
});
