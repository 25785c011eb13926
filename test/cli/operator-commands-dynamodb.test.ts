import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import { openDynamoBackend } from '../../src/operator/dynamo-operator-backend.js';
import { REPORT_AT } from '../operator/operator-world.js';
import type { SqliteWorld } from './cli-harness.js';
import { ghr, sqliteWorld } from './cli-harness.js';
import { dynamoCliWorlds } from './dynamo-cli-world.js';
import { operatorCommandsContract } from './operator-commands.contract.js';
import { usageCommandContract } from './usage-command.contract.js';

const world = dynamoCliWorlds();

describe('operator commands on DynamoDB (moto)', () => {
  operatorCommandsContract(world);
  usageCommandContract(world);
});

describe('paging through DynamoDB', () => {
  it('reports each page that has more after it as progress, and still reads them all', async () => {
    const aws = await world('read');
    const prefix = aws.flags[aws.flags.indexOf('--prefix') + 1] ?? '';
    const progress: string[] = [];
    const backend = openDynamoBackend({
      prefix,
      region: aws.env['AWS_REGION'] ?? '',
      dynamodbEndpoint: aws.env['AWS_ENDPOINT_URL'] ?? '',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      catalog: undefined,
      pricing: undefined,
      clock: new ManualClock(REPORT_AT),
      progress: (message) => progress.push(message),
      pageSize: 2,
    });

    const runners = await backend.ledger.listRunners({ installationId: 101 });
    await backend.close();

    expect(runners).toHaveLength(7);
    expect(progress).toEqual([
      `reading ${prefix}-ledger index by_tenant: 2 items so far`,
      `reading ${prefix}-ledger index by_tenant: 4 items so far`,
      `reading ${prefix}-ledger index by_tenant: 6 items so far`,
    ]);
  });
});

describe('the same commands on both backends', () => {
  let sqlite: SqliteWorld;
  beforeAll(async () => {
    sqlite = await sqliteWorld();
  });
  afterAll(() => sqlite.remove());

  it.each([
    ['tenants', 'list'],
    ['tenants', 'list', '-o', 'json'],
    ['tenants', 'show', '101'],
    ['tenants', 'show', '303', '-o', 'json'],
    ['runners', 'list'],
    ['runners', 'list', '-o', 'csv'],
    ['jobs', 'list'],
    ['jobs', 'list', '-o', 'json'],
    ['queues'],
    ['usage'],
    ['usage', '--by', 'day', '--charge-idle', '-o', 'json'],
    ['usage', '--since', '2024-01-02', '-o', 'csv'],
  ])('ghr %s %s … prints the same on SQLite and on DynamoDB', async (...args) => {
    const aws = await world('read');

    const onSqlite = await ghr([...args, ...sqlite.flags]);
    const onDynamo = await ghr([...args, ...aws.flags], { env: aws.env });

    expect(onSqlite.code).toBe(0);
    expect(onDynamo.code).toBe(0);
    expect(onDynamo.out).toBe(onSqlite.out);
  });

  it('names the DynamoDB tables when a tenant is unknown', async () => {
    const aws = await world('read');

    const result = await ghr(['tenants', 'show', '4242', ...aws.flags], { env: aws.env });

    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /no tenant has installation id 4242 in the DynamoDB tables ops-\w+-\* in us-east-1/,
    );
  });

  it.each([
    [['--aws', '--region', 'us-east-1'], {}, 'GHR_PREFIX'],
    [['--aws', '--prefix', 'x'], {}, 'AWS_REGION'],
    [['--aws', '--prefix', 'x', '--region', 'moon-1'], {}, '"moon-1"'],
    [['--aws', '--prefix', 'x', '--db', 'ghr.sqlite'], {}, '--db'],
    [
      ['--aws', '--prefix', 'x', '--region', 'us-east-1'],
      { GHR_TIERS: '{"small": 3}' },
      'GHR_TIERS',
    ],
  ])('refuses %j with exit 2, naming %s, before any call', async (flags, env, mention) => {
    // Nothing listens on port 9 of loopback: a call made by mistake fails, and goes nowhere else.
    const offline = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', ...env };

    const result = await ghr(['tenants', 'list', ...flags], { env: offline });

    expect(result.code).toBe(2);
    expect(result.err).toContain(mention);
  });
});
