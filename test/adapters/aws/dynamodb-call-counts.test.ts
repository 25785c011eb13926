import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

import { ACTIVE_RUNNER_STATES } from '../../../src/core/runner.js';
import { aJob, aSlotRequest, aTenant, minutesIn } from '../../contracts/fixtures.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();

/** Wraps the client's `send` so each request is counted by its command name. */
function countRequests(client: DynamoDBClient): () => Promise<string[]> {
  const original = client.send.bind(client) as (command: object) => Promise<unknown>;
  let seen: string[] = [];
  (client as { send: unknown }).send = (command: object) => {
    seen.push(command.constructor.name.replace(/Command$/, ''));
    return original(command);
  };
  return async () => {
    const requests = seen;
    seen = [];
    return requests;
  };
}

/**
 * The DynamoDB requests each operation makes, in order; docs/aws-ledger.md lists the same
 * numbers, so a change to either shows here.
 */
describe('DynamoDB requests per store operation', () => {
  it('ledger: jobs', async () => {
    const { client, stores } = await dynamo.scratch();
    const { ledger } = stores;
    const requests = countRequests(client);

    await ledger.observeJob(aJob());
    expect(await requests()).toEqual(['GetItem', 'TransactWriteItems']);
    await ledger.observeJob(aJob({ at: minutesIn(2) }));
    expect(await requests()).toEqual(['GetItem']);
    await ledger.observeJob(aJob({ status: 'in_progress', at: minutesIn(3) }));
    expect(await requests()).toEqual(['GetItem', 'TransactWriteItems']);
    await ledger.observeJob(aJob({ status: 'completed', at: minutesIn(4) }));
    expect(await requests()).toEqual(['GetItem', 'PutItem']);
    await ledger.getJob(5001);
    expect(await requests()).toEqual(['GetItem']);

    await ledger.listJobs({ installationId: 101, tier: 'small', status: 'queued' });
    expect(await requests()).toEqual(['Query']);
    await ledger.listJobs({ status: 'queued' });
    expect(await requests()).toEqual(['Query']);
    await ledger.listJobs();
    expect(await requests()).toEqual(['Query', 'Query', 'Query', 'Query']);
  });

  it('ledger: slots and runners', async () => {
    const { client, stores } = await dynamo.scratch();
    const { ledger } = stores;
    await ledger.observeJob(aJob());
    await ledger.observeJob(aJob({ id: 2, repository: 'octo-user/a' }));
    const requests = countRequests(client);

    await ledger.takeSlot(aSlotRequest({ runnerName: 'r1' }));
    expect(await requests()).toEqual(['TransactGetItems', 'TransactWriteItems']);
    await ledger.takeSlot(aSlotRequest({ runnerName: 'r2', repository: 'octo-user/a' }));
    expect(await requests()).toEqual(['TransactGetItems', 'TransactWriteItems']);
    await ledger.takeSlot(aSlotRequest({ runnerName: 'r3' }));
    expect(await requests()).toEqual(['TransactGetItems']);

    await ledger.updateRunner('r1', { computeId: 'i-1', at: minutesIn(3) });
    expect(await requests()).toEqual(['UpdateItem']);
    await ledger.updateRunner('r1', { state: 'idle', at: minutesIn(4) });
    expect(await requests()).toEqual(['GetItem', 'PutItem']);
    await ledger.updateRunner('r1', { state: 'busy', at: minutesIn(5) });
    expect(await requests()).toEqual(['GetItem', 'TransactWriteItems']);
    await ledger.updateRunner('r1', { state: 'busy', at: minutesIn(6) });
    expect(await requests()).toEqual(['GetItem']);
    await ledger.updateRunner('r1', { state: 'done', at: minutesIn(7) });
    expect(await requests()).toEqual(['GetItem', 'TransactWriteItems']);
    await ledger.getRunner('r1');
    expect(await requests()).toEqual(['GetItem']);

    await ledger.listRunners({ installationId: 101, states: ACTIVE_RUNNER_STATES });
    expect(await requests()).toEqual(['Query', 'Query', 'Query']);
    await ledger.listRunners({ states: ACTIVE_RUNNER_STATES });
    expect(await requests()).toEqual(['Query', 'Query', 'Query']);
    await ledger.listRunners({ installationId: 101 });
    expect(await requests()).toEqual(['Query']);
    await ledger.listRunners();
    expect(await requests()).toEqual(['Query', 'Query', 'Query', 'Query']);
  });

  it('ledger: a new queued job with the slot for its runner', async () => {
    const { client, stores } = await dynamo.scratch();
    const { ledger, tenants } = stores;
    const tenant = aTenant({ maxRunners: 1 });
    await tenants.createIfAbsent(tenant);
    const requests = countRequests(client);
    const slot = (runnerName: string) =>
      aSlotRequest({ runnerName, tenant, limits: { tenantMax: 1, tierMax: 5 } });

    await ledger.observeJob(aJob({ id: 1 }), { slot: slot('r1') });
    expect(await requests()).toEqual(['TransactWriteItems']);
    // Refused at the limit: the one transaction fails, then the job is recorded and the
    // refusal read.
    await ledger.observeJob(aJob({ id: 2 }), { slot: slot('r2') });
    expect(await requests()).toEqual([
      'TransactWriteItems',
      'GetItem',
      'TransactWriteItems',
      'TransactGetItems',
    ]);
  });

  it('tenants and deliveries', async () => {
    const { client, stores } = await dynamo.scratch();
    const requests = countRequests(client);

    await stores.tenants.createIfAbsent(aTenant());
    expect(await requests()).toEqual(['PutItem']);
    await stores.tenants.createIfAbsent(aTenant({ accountLogin: 'late' }));
    expect(await requests()).toEqual(['PutItem', 'GetItem']);
    await stores.tenants.get(101);
    expect(await requests()).toEqual(['GetItem']);
    await stores.tenants.update(101, { maxRunners: 3, updatedAt: minutesIn(1) });
    expect(await requests()).toEqual(['GetItem', 'UpdateItem']);
    await stores.tenants.put(aTenant());
    expect(await requests()).toEqual(['PutItem']);
    await stores.tenants.list({ status: 'active' });
    expect(await requests()).toEqual(['Scan']);

    await stores.deliveries.record('d-1', 'workflow_job', minutesIn(1));
    expect(await requests()).toEqual(['PutItem']);
    await stores.deliveries.has('d-1');
    expect(await requests()).toEqual(['GetItem']);
  });
});
