import { describe, expect, it } from 'vitest';

import { createDynamoStores } from '../../../src/adapters/aws/dynamodb-stores.js';
import type { Ledger, SlotDecision, SlotRequest } from '../../../src/core/ports/ledger.js';
import { aJob, aSlotRequest, minutesIn } from '../../contracts/fixtures.js';
import { readCounters, recount } from './dynamo-counters.js';
import type { DynamoScratch } from './dynamo-fixture.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();

/** One ledger per racer, each on its own client, as separate Lambdas would be. */
function lambdas(scratch: DynamoScratch, count: number): Ledger[] {
  return Array.from(
    { length: count },
    () =>
      createDynamoStores({ client: dynamo.client(), prefix: scratch.prefix, clock: scratch.clock })
        .ledger,
  );
}

async function queueJobs(
  ledger: Ledger,
  count: number,
  job: { firstId: number; repository?: string; tier?: string; installationId?: number },
): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await ledger.observeJob(aJob({ ...job, id: job.firstId + i }));
  }
}

function race(
  ledgers: readonly Ledger[],
  request: (index: number) => Partial<SlotRequest>,
): Promise<SlotDecision[]> {
  return Promise.all(
    ledgers.map((ledger, i) =>
      ledger.takeSlot(aSlotRequest({ runnerName: `ghr-race-${i}`, ...request(i) })),
    ),
  );
}

const refusals = (decisions: SlotDecision[]): string[] =>
  decisions.flatMap((d) => (d.taken ? [] : [d.reason]));

describe('takeSlot raced by separate Lambdas (F10)', () => {
  it('grants exactly 2 of 50 racers for a tenant limit of 2 with 50 queued jobs', async () => {
    const scratch = await dynamo.scratch();
    await queueJobs(scratch.stores.ledger, 50, { firstId: 1 });

    const decisions = await race(lambdas(scratch, 50), () => ({
      limits: { tenantMax: 2, tierMax: 10 },
    }));

    expect(decisions.filter((d) => d.taken)).toHaveLength(2);
    expect(refusals(decisions)).toEqual(Array(48).fill('at_tenant_limit'));
    expect(await scratch.stores.ledger.listRunners({ installationId: 101 })).toHaveLength(2);
    const stored = await readCounters(scratch.client, scratch.tables.ledger, 101, ['small'], []);
    expect(stored.slots).toMatchObject({ active: 2, active_small: 2, pending_small: 2 });
  });

  it('serves the jobs over the limit as runners finish, never holding more than 2', async () => {
    const scratch = await dynamo.scratch();
    const ledger = scratch.stores.ledger;
    await queueJobs(ledger, 6, { firstId: 1 });
    const limits = { tenantMax: 2, tierMax: 10 };
    let served = 0;

    for (let round = 0; round < 3; round += 1) {
      const decisions = await race(lambdas(scratch, 10), (i) => ({
        runnerName: `ghr-r${round}-${i}`,
        limits,
      }));
      const granted = decisions.flatMap((d) => (d.taken ? [d.runner] : []));
      expect(granted).toHaveLength(2);

      for (const runner of granted) {
        served += 1;
        await ledger.updateRunner(runner.name, { state: 'busy', jobId: served, at: minutesIn(3) });
        await ledger.observeJob(aJob({ id: served, status: 'in_progress', at: minutesIn(3) }));
        await ledger.observeJob(aJob({ id: served, status: 'completed', at: minutesIn(4) }));
        await ledger.updateRunner(runner.name, { state: 'done', at: minutesIn(5) });
      }
    }

    expect(served).toBe(6);
    expect(await ledger.listJobs({ status: 'queued' })).toEqual([]);
    expect(await ledger.listRunners({ states: ['launching', 'idle', 'busy'] })).toEqual([]);
    expect(await ledger.listRunners({ states: ['done'] })).toHaveLength(6);
  });

  it('holds a tier limit below the tenant limit, and another tier still gets slots', async () => {
    const scratch = await dynamo.scratch();
    await queueJobs(scratch.stores.ledger, 30, { firstId: 1 });
    await queueJobs(scratch.stores.ledger, 30, { firstId: 100, tier: 'large' });
    const limits = { tenantMax: 5, tierMax: 2 };

    const decisions = await race(lambdas(scratch, 40), (i) => ({
      tier: i % 2 === 0 ? 'small' : 'large',
      limits,
    }));

    const runners = await scratch.stores.ledger.listRunners({ installationId: 101 });
    expect(runners.filter((r) => r.tier === 'small')).toHaveLength(2);
    expect(runners.filter((r) => r.tier === 'large')).toHaveLength(2);
    expect(refusals(decisions)).toEqual(Array(36).fill('at_tier_limit'));
  });

  it('counts only its own repository’s demand for a User tenant', async () => {
    const scratch = await dynamo.scratch();
    await queueJobs(scratch.stores.ledger, 3, { firstId: 1, repository: 'octo-user/a' });
    await queueJobs(scratch.stores.ledger, 1, { firstId: 10, repository: 'octo-user/b' });
    const limits = { tenantMax: 10, tierMax: 10 };

    const forA = race(lambdas(scratch, 20), () => ({ repository: 'octo-user/a', limits }));
    const forB = race(lambdas(scratch, 20), (i) => ({
      repository: 'octo-user/b',
      runnerName: `ghr-b-${i}`,
      limits,
    }));
    const forC = race(lambdas(scratch, 5), (i) => ({
      repository: 'octo-user/c',
      runnerName: `ghr-c-${i}`,
      limits,
    }));
    const [a, b, c] = await Promise.all([forA, forB, forC]);

    const runners = await scratch.stores.ledger.listRunners({ installationId: 101 });
    expect(a.filter((d) => d.taken)).toHaveLength(3);
    expect(b.filter((d) => d.taken)).toHaveLength(1);
    expect(c.filter((d) => d.taken)).toHaveLength(0);
    expect(refusals([...a, ...b, ...c])).toEqual(Array(41).fill('no_demand'));
    expect(runners.map((r) => r.repository).sort()).toEqual([
      'octo-user/a',
      'octo-user/a',
      'octo-user/a',
      'octo-user/b',
    ]);
  });

  it('keeps every counter equal to a recount after racing takes, moves and finishes', async () => {
    const scratch = await dynamo.scratch();
    const repositories = ['octo-user/a', 'octo-user/b'];
    await queueJobs(scratch.stores.ledger, 8, { firstId: 1, repository: 'octo-user/a' });
    await queueJobs(scratch.stores.ledger, 8, { firstId: 20, repository: 'octo-user/b' });
    await queueJobs(scratch.stores.ledger, 4, { firstId: 40, tier: 'large' });

    const racers = lambdas(scratch, 30);
    const decisions = await race(racers, (i) => ({
      tier: i % 3 === 0 ? 'large' : 'small',
      repository: i % 3 === 0 ? undefined : repositories[i % 2],
      limits: { tenantMax: 9, tierMax: 6 },
    }));
    const granted = decisions.flatMap((d) => (d.taken ? [d.runner] : []));
    await Promise.all(
      granted.map((runner, i) => {
        const ledger = racers[i % racers.length] as Ledger;
        const state = (['idle', 'busy', 'done'] as const)[i % 3];
        return ledger.updateRunner(runner.name, { state, at: minutesIn(6) });
      }),
    );
    await Promise.all(
      [1, 2, 20, 40].map((id, i) =>
        (racers[i] as Ledger).observeJob(aJob({ id, status: 'completed', at: minutesIn(7) })),
      ),
    );

    const tiers = ['small', 'large'];
    const stored = await readCounters(
      scratch.client,
      scratch.tables.ledger,
      101,
      tiers,
      repositories,
    );
    expect(granted.length).toBe(9);
    expect(stored).toEqual(await recount(scratch.stores.ledger, 101, tiers, repositories));
  });
});
