import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';

import { createDynamoStores } from '../../src/adapters/aws/dynamodb-stores.js';
import { ACTIVE_RUNNER_STATES } from '../../src/core/runner.js';
import { operationsOf } from '../support/aws-calls.js';
import { lambdaWorld } from './lambda-world.js';

const world = lambdaWorld();

const JOBS = 50;

describe('the tenant limit on the AWS backend (F10)', () => {
  it('never makes a third instance for max_runners = 2, however many scale-ups race', async () => {
    const aws = await world.deploy({ smallMaxRunners: 2 });
    const tenant = world.addOrganization();
    const webhook = aws.webhook();
    for (let job = 1; job <= JOBS; job += 1)
      await aws.queueSmallJob(webhook, tenant, 960_000 + job);
    const messages = await aws.receive(aws.tierQueue('small'));

    // Each invocation is a Lambda environment of its own: its own clients, caches and token.
    const answers = await Promise.all(
      messages.map((message) => aws.consume(aws.scaleUp(), aws.tierQueue('small'), [message])),
    );

    const everMade = await aws.setup.ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'tag:ghr:tenant_id', Values: [String(tenant)] }],
      }),
    );
    const instances = (everMade.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    const ledger = createDynamoStores({
      client: aws.setup.dynamodb,
      prefix: aws.prefix,
      clock: { now: () => Date.now() },
    }).ledger;
    const active = await ledger.listRunners({
      installationId: tenant,
      states: ACTIVE_RUNNER_STATES,
    });
    const queued = await ledger.listJobs({ installationId: tenant, status: 'queued' });

    expect(messages).toHaveLength(JOBS);
    expect(answers.flatMap((a) => a.batchItemFailures)).toEqual([]);
    expect(instances).toHaveLength(2);
    expect(active).toHaveLength(2);
    expect(queued).toHaveLength(JOBS);
    expect(await aws.receive(aws.tierQueue('small'))).toEqual([]);
    expect(await aws.receive(`${aws.tierQueue('small')}-dlq`)).toEqual([]);
  }, 120_000);

  it('holds a limit lowered by hand while a warm function still has the tenant cached', async () => {
    const aws = await world.deploy({ smallMaxRunners: 5 });
    const tenant = world.addOrganization();
    const webhook = aws.webhook();
    const scaleUp = aws.scaleUp();
    await aws.install(webhook, tenant);
    const queueJob = async (job: number) => {
      await aws.queueSmallJob(webhook, tenant, 961_000 + job);
      const before = aws.calls.length;
      await aws.consume(scaleUp, aws.tierQueue('small'), await aws.receive(aws.tierQueue('small')));
      return operationsOf(aws.calls.slice(before));
    };

    await queueJob(1);
    // The seed's tier change, made while the function holds the tenant at max_runners 5.
    await aws.editTenant(tenant, 'SET tier = :tier, max_runners = :max, updated_at = :now', {
      ':tier': { S: 'small' },
      ':max': { N: '1' },
      ':now': { S: '2026-12-04T12:00:00Z' },
    });
    const refused = await queueJob(2);

    expect(await aws.instancesOf(tenant)).toHaveLength(1);
    // The one write was refused for the changed tenant, which was read again before deciding.
    expect(refused.slice(0, 2)).toEqual(['DynamoDB.TransactWriteItems', 'DynamoDB.GetItem']);
    expect(refused).not.toContain('EC2.CreateFleet');
    expect(aws.logger.entries).toContainEqual(
      expect.objectContaining({
        msg: 'no runner',
        fields: expect.objectContaining({ tenant_id: tenant, reason: 'at_tenant_limit' }),
      }),
    );
  });

  it.each([
    [
      'a limit raised by hand',
      'SET max_runners = :v',
      { ':v': { N: '1' } },
      { ':v': { N: '3' } },
      undefined,
    ],
    [
      'a tenant resumed by hand',
      'SET #s = :v',
      { ':v': { S: 'suspended' } },
      { ':v': { S: 'active' } },
      { '#s': 'status' },
    ],
  ] as const)(
    'uses %s at once, though a warm function holds the old copy',
    async (_change, update, before, after, names) => {
      const aws = await world.deploy({ smallMaxRunners: 5 });
      const tenant = world.addOrganization();
      const webhook = aws.webhook();
      const scaleUp = aws.scaleUp();
      await aws.install(webhook, tenant);
      const edit = (values: Record<string, { S: string } | { N: string }>) =>
        aws.editTenant(tenant, update, values, names);
      const queueJobs = async (ids: number[]) => {
        for (const id of ids) await aws.queueSmallJob(webhook, tenant, 962_000 + id);
        await aws.consume(
          scaleUp,
          aws.tierQueue('small'),
          await aws.receive(aws.tierQueue('small')),
        );
      };

      await edit(before);
      await queueJobs([1, 2]);
      const held = (await aws.instancesOf(tenant)).length;
      await edit(after);
      await queueJobs([3]);

      expect(held).toBeLessThan(2);
      expect(await aws.instancesOf(tenant)).toHaveLength(3);
    },
  );
});
