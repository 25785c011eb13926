import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SqsWorkQueue, sqsLeaseId } from '../../../src/adapters/aws/sqs-work-queue.js';
import { createMemoryLogger } from '../../../src/adapters/telemetry/json-logger.js';
import type { MemoryLogger } from '../../../src/adapters/telemetry/json-logger.js';
import { PlatformError } from '../../../src/core/errors.js';
import type { WorkItem } from '../../../src/core/ports/work-queue.js';
import { expectRefused } from '../../contracts/fixtures.js';
import type { AwsCall } from '../../support/aws-calls.js';
import { operationsOf, recordAwsCalls } from '../../support/aws-calls.js';
import type { Moto } from '../../support/moto.js';
import { startMoto } from '../../support/moto.js';
import type { DeploymentQueues } from '../../support/sqs-queues.js';
import { createDeploymentQueues, eventually, receiveAll } from '../../support/sqs-queues.js';

const PREFIX = 'sqsq';
const TIERS = ['small', 'large'];
const LEASE_MS = 30_000;

const reconcile = (tier: string, installationId = 101): WorkItem => ({
  kind: 'reconcile',
  installationId,
  tier,
});
const finished: WorkItem = {
  kind: 'runner_finished',
  runnerName: 'ghr-101-small-abc',
  tier: 'small',
  reason: 'completed',
};
const removed: WorkItem = { kind: 'tenant_removed', installationId: 7 };

let moto: Moto;
let sqs: SQSClient;
let queues: DeploymentQueues;
let calls: AwsCall[];
let logger: MemoryLogger;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto.stop();
});

beforeEach(async () => {
  await moto.reset();
  sqs = new SQSClient(moto.clientConfig);
  queues = await createDeploymentQueues(sqs, PREFIX, TIERS, { maxReceiveCount: 5 });
  calls = [];
  recordAwsCalls(sqs, calls);
  logger = createMemoryLogger();
});

const newQueue = () => new SqsWorkQueue({ client: sqs, prefix: PREFIX, tiers: TIERS, logger });

const drain = async (queue: SqsWorkQueue): Promise<WorkItem[]> => {
  const items: WorkItem[] = [];
  for (let work = await queue.lease(LEASE_MS); work; work = await queue.lease(LEASE_MS)) {
    items.push(work.item);
  }
  return items;
};

const sent = (name: string) =>
  calls.filter((c) => c.operation === 'SendMessage' && c.input['QueueUrl'] === queues.url(name));

describe('SqsWorkQueue routing', () => {
  it('puts reconcile and runner_finished on the queue of their tier, tenant_removed on tenant-events', async () => {
    const queue = newQueue();

    await queue.enqueue(reconcile('large'));
    await queue.enqueue(finished);
    await queue.enqueue(removed);

    const large = await receiveAll(sqs, queues.url('sqsq-large-builds'));
    const small = await receiveAll(sqs, queues.url('sqsq-small-builds'));
    const events = await receiveAll(sqs, queues.url('sqsq-tenant-events'));
    expect(large.map((m) => JSON.parse(m.Body ?? ''))).toEqual([reconcile('large')]);
    expect(small.map((m) => JSON.parse(m.Body ?? ''))).toEqual([finished]);
    expect(events.map((m) => JSON.parse(m.Body ?? ''))).toEqual([removed]);
  });

  it('names the kind, tenant, tier and runner in message attributes', async () => {
    const queue = newQueue();

    await queue.enqueue(reconcile('small', 4242));
    await queue.enqueue(finished);

    const messages = await receiveAll(sqs, queues.url('sqsq-small-builds'));
    const attributes = messages.map((m) =>
      Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
      ),
    );
    expect(attributes).toEqual(
      expect.arrayContaining([
        { kind: 'reconcile', tenant_id: '4242', tier: 'small' },
        { kind: 'runner_finished', tier: 'small', runner_name: 'ghr-101-small-abc' },
      ]),
    );
  });

  it('groups a tenant’s messages by its installation id, for a fair queue', async () => {
    const queue = newQueue();

    await queue.enqueue(reconcile('small', 4242));
    await queue.enqueue(finished);

    expect(sent('sqsq-small-builds').map((c) => c.input['MessageGroupId'])).toEqual([
      '4242',
      undefined,
    ]);
  });

  it('sends work of a tier that has no queue to the tenant-events queue, with a warning', async () => {
    const queue = newQueue();

    await queue.enqueue({ ...finished, tier: 'retired' });

    const events = await receiveAll(sqs, queues.url('sqsq-tenant-events'));
    expect(events.map((m) => JSON.parse(m.Body ?? ''))).toEqual([{ ...finished, tier: 'retired' }]);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ tier: 'retired', reason: 'unknown_tier' }),
      }),
    );
  });

  it('resolves each queue URL once and reuses it', async () => {
    const queue = newQueue();

    for (let i = 0; i < 5; i += 1) await queue.enqueue(reconcile('small', 100 + i));
    await queue.enqueue(removed);
    await queue.enqueue(removed);

    expect(operationsOf(calls).filter((op) => op === 'SQS.GetQueueUrl')).toHaveLength(2);
    expect(operationsOf(calls).filter((op) => op === 'SQS.SendMessage')).toHaveLength(7);
  });

  it('reports a missing queue as a configuration error, and asks again next time', async () => {
    const queue = new SqsWorkQueue({ client: sqs, prefix: 'absent', tiers: TIERS, logger });

    const failure = await queue.enqueue(reconcile('small')).catch((error: unknown) => error);
    await createDeploymentQueues(sqs, 'absent', TIERS);
    await queue.enqueue(reconcile('small'));

    expect(failure).toBeInstanceOf(PlatformError);
    expect(failure).toMatchObject({ code: 'invalid_config', retryable: false });
    expect((failure as Error).message).toContain('absent-small-builds');
    expect(await receiveAll(sqs, queues.url('sqsq-small-builds'))).toEqual([]);
  });
});

describe('SqsWorkQueue order and delay', () => {
  it('has nothing to lease when empty', async () => {
    const queue = newQueue();

    expect(await queue.lease(LEASE_MS)).toBeUndefined();
    expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 0 });
  });

  it('holds a delayed item back until its time, then hands it out as attempt 1', async () => {
    const queue = newQueue();
    await queue.enqueue(removed, { delayMs: 1_000 });

    const early = await queue.lease(LEASE_MS);
    const waiting = await queue.stats();
    const due = await eventually('the delayed item', () => queue.lease(LEASE_MS));

    expect(early).toBeUndefined();
    expect(waiting).toEqual({ ready: 0, delayed: 1, leased: 0, dead: 0 });
    expect(due).toMatchObject({ item: removed, attempt: 1 });
  });

  it.each([
    [500, 1],
    [1_000, 1],
    [61_500, 62],
    [3_600_000, 900],
  ])('sends a delay of %i ms as DelaySeconds %i', async (delayMs, seconds) => {
    const queue = newQueue();

    await queue.enqueue(reconcile('small'), { delayMs });

    expect(sent('sqsq-small-builds').map((c) => c.input['DelaySeconds'])).toEqual([seconds]);
    expect(await queue.stats()).toMatchObject({ ready: 0, delayed: 1 });
  });

  it('keeps every copy of repeated work, since a standard queue cannot coalesce by key', async () => {
    const queue = newQueue();
    await queue.enqueue(reconcile('small'));
    await queue.enqueue(reconcile('small'));

    expect(await queue.stats()).toMatchObject({ ready: 2 });
    expect(await drain(queue)).toEqual([reconcile('small'), reconcile('small')]);
  });
});

describe('SqsWorkQueue leases', () => {
  it('hides a leased item until its lease runs out, then hands it out as attempt 2', async () => {
    const queue = newQueue();
    await queue.enqueue(reconcile('small'));
    const first = await queue.lease(1_000);

    const whileHeld = await queue.lease(LEASE_MS);
    const held = await queue.stats();
    const second = await eventually('the expired lease', () => queue.lease(LEASE_MS));

    expect(first).toMatchObject({ item: reconcile('small'), attempt: 1 });
    expect(whileHeld).toBeUndefined();
    expect(held).toEqual({ ready: 0, delayed: 0, leased: 1, dead: 0 });
    expect(second).toMatchObject({ item: reconcile('small'), attempt: 2 });
    expect(second.leaseId).not.toBe(first?.leaseId);
  });

  it('removes an acked item for good', async () => {
    const queue = newQueue();
    await queue.enqueue(reconcile('small'));
    const work = await queue.lease(1_000);

    await queue.ack(work?.leaseId ?? 'missing');
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    expect(await queue.lease(LEASE_MS)).toBeUndefined();
    expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 0 });
  });

  it('ignores an ack whose receipt handle SQS no longer knows', async () => {
    const queue = newQueue();
    await queue.enqueue(reconcile('small'));
    const work = await queue.lease(LEASE_MS);

    await queue.ack(sqsLeaseId('sqsq-small-builds', 'not-a-receipt-handle'));

    expect(work).toBeDefined();
    expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 1, dead: 0 });
  });

  it('makes a retried item visible after the delay, counting the attempt', async () => {
    const queue = newQueue();
    await queue.enqueue(reconcile('small'));
    const work = await queue.lease(LEASE_MS);

    await queue.retry(work?.leaseId ?? 'missing', 1_000, 'github unavailable');
    const early = await queue.lease(LEASE_MS);
    // SQS counts a message whose visibility was changed as in flight, not as delayed.
    const waiting = await queue.stats();
    const again = await eventually('the retried item', () => queue.lease(LEASE_MS));

    expect(early).toBeUndefined();
    expect(waiting).toEqual({ ready: 0, delayed: 0, leased: 1, dead: 0 });
    expect(again).toMatchObject({ item: reconcile('small'), attempt: 2 });
  });

  it('counts each retry and each expired lease as one attempt', async () => {
    const queue = newQueue();
    await queue.enqueue(reconcile('small'));
    const first = await queue.lease(LEASE_MS);
    await queue.retry(first?.leaseId ?? 'missing', 0, 'throttled');
    await queue.lease(1_000);

    const third = await eventually('the third delivery', () => queue.lease(LEASE_MS));

    expect(third.attempt).toBe(3);
  });
});

describe('SqsWorkQueue dead letters', () => {
  it('moves a dead-lettered item to the dead-letter queue with its reason', async () => {
    const queue = newQueue();
    await queue.enqueue(reconcile('small'));
    const work = await queue.lease(1_000);

    await queue.deadLetter(work?.leaseId ?? 'missing', 'tier no longer configured');
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    expect(await queue.lease(LEASE_MS)).toBeUndefined();
    expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 1 });
    const [dead] = await receiveAll(sqs, queues.url('sqsq-small-builds-dlq'));
    expect(JSON.parse(dead?.Body ?? '')).toEqual(reconcile('small'));
    expect(dead?.MessageAttributes?.['error']?.StringValue).toBe('tier no longer configured');
  });

  it('does not let new work of the same key disappear into a dead item', async () => {
    const queue = newQueue();
    await queue.enqueue(reconcile('small'));
    const work = await queue.lease(LEASE_MS);
    await queue.deadLetter(work?.leaseId ?? 'missing', 'poison');

    await queue.enqueue(reconcile('small'));

    expect(await queue.stats()).toEqual({ ready: 1, delayed: 0, leased: 0, dead: 1 });
  });

  it('dead-letters a malformed message instead of handing it out', async () => {
    const queue = newQueue();
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.url('sqsq-large-builds'), MessageBody: '{"k' }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.url('sqsq-large-builds'),
        MessageBody: JSON.stringify({ kind: 'reconcile', installationId: 0, tier: 'large' }),
      }),
    );

    const leased = await drain(queue);

    expect(leased).toEqual([]);
    expect(await queue.stats()).toMatchObject({ ready: 0, dead: 2 });
    const reasons = logger.entries
      .filter((entry) => entry.msg === 'dead-lettering a malformed work message')
      .map((entry) => String(entry.fields['reason']));
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining('must be a JSON work item'),
        expect.stringContaining('installationId'),
      ]),
    );
  });
});

describe('SqsWorkQueue refusing bad input', () => {
  it.each([
    ['an unknown kind', { kind: 'reboot' }, 'kind', '"reboot"'],
    ['a kind from the prototype', { kind: 'toString' }, 'kind', '"toString"'],
    ['a reconcile without tier', { kind: 'reconcile', installationId: 1 }, 'tier', 'nothing'],
    ['a bad installation id', { kind: 'tenant_removed', installationId: 0 }, 'installationId', '0'],
  ])('refuses %s and sends nothing', async (_case, bad, field, shown) => {
    const queue = newQueue();

    await expectRefused(queue.enqueue(bad as unknown as WorkItem), 'invalid_input', field, shown);

    expect(operationsOf(calls)).not.toContain('SQS.SendMessage');
    expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 0 });
  });
});

/*
 * The cases of test/contracts/work-queue.contract.ts that a standard SQS queue cannot keep.
 * The level-triggered reconcile makes each of them harmless: repeated or reordered work reads
 * the ledger afresh, and the sweep asks again for any demand a lost message left behind.
 */
describe.skip('WorkQueue contract cases SQS cannot keep', () => {
  describe('no order: a standard queue delivers in best-effort order only', () => {
    it('leases items in order of the time they become visible');
  });
  describe('no coalescing: a standard queue cannot find a waiting message by its work key', () => {
    it('keeps one item for repeated work of the same key');
    it('makes the coalesced item visible at the earlier of the two times');
    it('adds a new item when the one with that key is leased');
    it('coalesces into a retried item, which no worker holds any more');
  });
  describe('stale receipt handles: SQS may still delete a message with an older handle', () => {
    it('ignores an ack under a lease that ran out and was taken by another worker');
  });
  describe('a retried message is in flight for SQS, so stats show it leased, not delayed', () => {
    it('makes a retried item visible after the delay, counting the attempt (stats part)');
  });
});
