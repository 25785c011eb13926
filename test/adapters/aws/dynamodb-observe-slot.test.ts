import { describe, expect, it } from 'vitest';

import { aJob, aSlotRequest, minutesIn } from '../../contracts/fixtures.js';
import { readCounters, recount } from './dynamo-counters.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();

describe('a new queued job and its slot in one transaction (DynamoDB)', () => {
  it('keeps every counter equal to a recount, for organisation and repository jobs', async () => {
    const { client, tables, stores } = await dynamo.scratch();
    const { ledger } = stores;
    const repositories = ['octo-org/app', 'octo-user/a'];
    const org = (id: number) => aJob({ id, repository: 'octo-org/app' });
    const user = (id: number) => aJob({ id, repository: 'octo-user/a' });
    const slot = (name: string, repository?: string) =>
      aSlotRequest({ runnerName: name, repository, limits: { tenantMax: 3, tierMax: 3 } });

    await ledger.observeJob(org(1), { slot: slot('r1') });
    await ledger.observeJob(org(2), { slot: slot('r2') });
    await ledger.observeJob(user(3), { slot: slot('r3', 'octo-user/a') });
    await ledger.observeJob(org(4), { slot: slot('r4') });
    await ledger.observeJob({ ...org(1), status: 'in_progress', at: minutesIn(3) });
    await ledger.updateRunner('r1', { state: 'busy', jobId: 1, at: minutesIn(3) });
    await ledger.observeJob({ ...org(1), status: 'completed', at: minutesIn(4) });
    await ledger.updateRunner('r1', { state: 'done', doneReason: 'completed', at: minutesIn(4) });
    await ledger.observeJob({ ...user(3), status: 'in_progress', at: minutesIn(5) });

    const stored = await readCounters(client, tables.ledger, 101, ['small'], repositories);
    const counted = await recount(ledger, 101, ['small'], repositories);
    expect(stored).toEqual(counted);
    expect(stored.scopes['small#octo-org/app']).toEqual({ queued: 2, pending: 0 });
  });

  it('takes the slot when the SDK retries a transaction whose answer was lost', async () => {
    // As the functions' clients do: the SDK tries a request that timed out again.
    const { client, stores } = await dynamo.scratch({ client: dynamo.client(3) });
    let lost = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'TransactWriteItemsCommand' && !lost) {
          lost = true;
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} });
        }
        return result;
      },
      { step: 'deserialize', name: 'loseOneAnswer', priority: 'low' },
    );

    const observed = await stores.ledger.observeJob(aJob({ id: 1 }), {
      slot: aSlotRequest({ runnerName: 'r1' }),
    });

    expect(lost).toBe(true);
    expect(observed.slot).toMatchObject({ taken: true, runner: { name: 'r1' } });
    expect((await stores.ledger.listRunners()).map((r) => r.name)).toEqual(['r1']);
    expect(await stores.ledger.getJob(1)).toMatchObject({ status: 'queued' });
  });
});
