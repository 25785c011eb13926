import type {
  AttributeDefinition,
  DynamoDBClient,
  GlobalSecondaryIndex,
  KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

import { PlatformError } from '../../core/errors.js';
import { withDynamoRetry } from './dynamodb-retry.js';

/** One key attribute: its name and DynamoDB scalar type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** The keys of one table or index. */
export interface KeyShape {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

/** Names of the three tables of one deployment. */
export interface TableNames {
  readonly tenants: string;
  readonly ledger: string;
  readonly deliveries: string;
}

/** The attribute DynamoDB's TTL reads (epoch seconds) on the ledger and delivery tables. */
export const TTL_ATTRIBUTE = 'expires_at';

/** `<prefix>-tenants`: one item per installation, the shape the seed's commands use. */
export const TENANT_TABLE_KEYS: KeyShape = {
  partitionKey: { name: 'installation_id', type: 'N' },
};

/** `<prefix>-ledger`: jobs, runners and the per-tenant slot counters, one table. */
export const LEDGER_TABLE_KEYS: KeyShape = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
};

/** Jobs and runners of one tenant, ordered by status (or state) first. */
export const LEDGER_BY_TENANT_INDEX = {
  name: 'by_tenant',
  partitionKey: { name: 'tenant_key', type: 'S' },
  sortKey: { name: 'tenant_order', type: 'S' },
} as const satisfies KeyShape & { name: string };

/** Jobs of one status (or runners of one state) across tenants. */
export const LEDGER_BY_STATE_INDEX = {
  name: 'by_state',
  partitionKey: { name: 'state_key', type: 'S' },
  sortKey: { name: 'state_order', type: 'S' },
} as const satisfies KeyShape & { name: string };

/** `<prefix>-deliveries`: one item per `X-GitHub-Delivery`, expired by TTL. */
export const DELIVERY_TABLE_KEYS: KeyShape = {
  partitionKey: { name: 'delivery_id', type: 'S' },
};

/** Letters, digits, `_`, `-` and `.`, as DynamoDB allows in table names. */
const PREFIX_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/;

/** The table names of the deployment `prefix` (the seed's `environment`, e.g. `my-saas`). */
export function tableNames(prefix: string): TableNames {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new PlatformError(
      'invalid_config',
      `naming the DynamoDB tables: the prefix must be 1 to 200 letters, digits, "_", "-" or ".", ` +
        `got ${JSON.stringify(prefix)}`,
      { details: { prefix } },
    );
  }
  return {
    tenants: `${prefix}-tenants`,
    ledger: `${prefix}-ledger`,
    deliveries: `${prefix}-deliveries`,
  };
}

/**
 * Creates the three tables with on-demand billing, the ledger's two indexes, and TTL on
 * `expires_at` for the ledger and deliveries. Tables that exist are left as they are; TTL is
 * switched on where it is off. For tests and local use: deployments declare the same keys in
 * Terraform.
 */
export async function createTables(options: {
  readonly client: DynamoDBClient;
  readonly prefix: string;
}): Promise<TableNames> {
  const names = tableNames(options.prefix);

  await createTable(options.client, names.tenants, TENANT_TABLE_KEYS, []);
  await createTable(options.client, names.ledger, LEDGER_TABLE_KEYS, [
    LEDGER_BY_TENANT_INDEX,
    LEDGER_BY_STATE_INDEX,
  ]);
  await createTable(options.client, names.deliveries, DELIVERY_TABLE_KEYS, []);

  await enableTtl(options.client, names.ledger);
  await enableTtl(options.client, names.deliveries);
  return names;
}

async function createTable(
  client: DynamoDBClient,
  table: string,
  keys: KeyShape,
  indexes: readonly (KeyShape & { readonly name: string })[],
): Promise<void> {
  const context = { attempt: `creating table ${table}`, table };
  const existing = await withDynamoRetry(context, () =>
    client.send(new DescribeTableCommand({ TableName: table })),
  ).then(
    () => true,
    (error: unknown) => {
      if (error instanceof PlatformError && error.code === 'not_found') return false;
      throw error;
    },
  );
  if (existing) return;

  await withDynamoRetry(context, () =>
    client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(keys),
        AttributeDefinitions: attributeDefinitions([keys, ...indexes]),
        GlobalSecondaryIndexes: indexes.length === 0 ? undefined : indexes.map(globalIndex),
      }),
    ),
  );
  await waitUntilActive(client, table);
}

async function waitUntilActive(client: DynamoDBClient, table: string): Promise<void> {
  const context = { attempt: `waiting for table ${table} to become active`, table };

  for (let poll = 0; poll < 120; poll += 1) {
    const described = await withDynamoRetry(context, () =>
      client.send(new DescribeTableCommand({ TableName: table })),
    );
    if (described.Table?.TableStatus === 'ACTIVE') return;

    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new PlatformError('unavailable', `${context.attempt}: it was not active after 60 s`, {
    details: { table },
  });
}

async function enableTtl(client: DynamoDBClient, table: string): Promise<void> {
  const context = { attempt: `enabling TTL on table ${table}`, table };
  const current = await withDynamoRetry(context, () =>
    client.send(new DescribeTimeToLiveCommand({ TableName: table })),
  );
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;

  await withDynamoRetry(context, () =>
    client.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    ),
  );
}

function keySchema(keys: KeyShape): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: keys.partitionKey.name, KeyType: 'HASH' }];
  if (keys.sortKey) schema.push({ AttributeName: keys.sortKey.name, KeyType: 'RANGE' });
  return schema;
}

function attributeDefinitions(shapes: readonly KeyShape[]): AttributeDefinition[] {
  const types = new Map<string, 'S' | 'N'>();
  for (const shape of shapes) {
    for (const key of [shape.partitionKey, shape.sortKey]) {
      if (key) types.set(key.name, key.type);
    }
  }
  return [...types].map(([name, type]) => ({ AttributeName: name, AttributeType: type }));
}

function globalIndex(index: KeyShape & { readonly name: string }): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: keySchema(index),
    Projection: { ProjectionType: 'ALL' },
  };
}
