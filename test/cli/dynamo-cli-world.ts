import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach } from 'vitest';

import { createDynamoDecisionLog } from '../../src/adapters/aws/dynamodb-decision-log.js';
import { createDynamoStores } from '../../src/adapters/aws/dynamodb-stores.js';
import type { TableNames } from '../../src/adapters/aws/dynamodb-tables.js';
import { createTables } from '../../src/adapters/aws/dynamodb-tables.js';
import { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import type { Moto } from '../support/moto.js';
import { startMoto } from '../support/moto.js';
import { createDeploymentQueues } from '../support/sqs-queues.js';
import { WORLD_CONFIG_YAML, buildWorld } from '../operator/operator-world.js';
import type { CliWorld, WorldMode } from './operator-commands.contract.js';

/**
 * The scripted world in DynamoDB tables and SQS queues on a moto_server of this test file,
 * for `ghr --aws`. Building one takes a couple of seconds on moto, so tests that change
 * nothing share one; each test that changes something gets its own prefix.
 */
export function dynamoCliWorlds(): (mode: WorldMode) => Promise<CliWorld> {
  let moto: Moto | undefined;
  let folder = '';
  let shared: CliWorld | undefined;
  let own: Promise<CliWorld> | undefined;
  const clients: { destroy(): void }[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    folder = mkdtempSync(join(tmpdir(), 'ghr-ops-aws-'));
    writeFileSync(join(folder, 'ghr.yaml'), WORLD_CONFIG_YAML);
    shared = await build();
  }, 120_000);
  beforeEach(() => {
    own = undefined;
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await moto?.stop();
    if (folder !== '') rmSync(folder, { recursive: true, force: true });
  });

  async function build(): Promise<CliWorld> {
    if (moto === undefined) throw new Error('moto is not running');
    // One request at a time, as test/adapters/aws/dynamo-fixture.ts explains for moto.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const dynamodb = new DynamoDBClient({
      ...moto.clientConfig,
      requestHandler: { httpAgent: agent },
    });
    const sqs = new SQSClient(moto.clientConfig);
    clients.push(dynamodb, sqs);

    const prefix = `ops-${randomUUID().slice(0, 8)}`;
    const tables = await createTables({ client: dynamodb, prefix });
    await createDeploymentQueues(sqs, prefix, ['small', 'medium']);
    const clock = new ManualClock();
    const stores = createDynamoStores({ client: dynamodb, prefix, clock });
    const decisions = createDynamoDecisionLog({ client: dynamodb, prefix, clock });
    await buildWorld({ tenants: stores.tenants, ledger: stores.ledger, decisions, clock });

    return {
      flags: ['--aws', '--prefix', prefix, '--config', join(folder, 'ghr.yaml')],
      env: {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_REGION: moto.region,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
      },
      snapshot: () => scanAll(dynamodb, tables),
    };
  }

  return async (mode) => {
    if (mode === 'read') {
      if (shared === undefined) throw new Error('the shared world is not built');
      return shared;
    }
    own ??= build();
    return own;
  };
}

/** Every item of the deployment's tables, in key order. */
async function scanAll(client: DynamoDBClient, tables: TableNames): Promise<unknown> {
  const all: Record<string, string[]> = {};
  for (const table of [tables.tenants, tables.ledger, tables.deliveries]) {
    const items: string[] = [];
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(
        ...(page.Items ?? []).map((item) =>
          JSON.stringify(
            Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1))),
          ),
        ),
      );
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start !== undefined);
    all[table] = items.sort();
  }
  return all;
}
