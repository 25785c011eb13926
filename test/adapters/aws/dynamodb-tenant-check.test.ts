import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

import type { Tenant } from '../../../src/core/tenant.js';
import { aJob, aSlotRequest, aTenant, minutesIn } from '../../contracts/fixtures.js';
import type { DynamoScratch } from './dynamo-fixture.js';
import { dynamoFixture } from './dynamo-fixture.js';

const dynamo = dynamoFixture();

/** The seed's tier upgrade, or any other change an operator makes to the item by hand. */
async function editTenant(
  scratch: DynamoScratch,
  update: string,
  values: Record<string, { S: string } | { N: string }>,
  names?: Record<string, string>,
): Promise<void> {
  await scratch.client.send(
    new UpdateItemCommand({
      TableName: `${scratch.prefix}-tenants`,
      Key: { installation_id: { N: '101' } },
      UpdateExpression: update,
      ExpressionAttributeValues: values,
      ...(names === undefined ? {} : { ExpressionAttributeNames: names }),
    }),
  );
}

/** A slot request decided on `tenant`, as a worker with a cached copy would send it. */
function slotFrom(tenant: Tenant, runnerName: string) {
  return aSlotRequest({
    runnerName,
    tenant,
    tenantTier: tenant.tier,
    limits: { tenantMax: tenant.maxRunners, tierMax: tenant.tierOverrides['small'] ?? 5 },
  });
}

describe('the slot take checks the tenant it was decided on (DynamoDB)', () => {
  it('refuses a copy whose limit an operator lowered, records the job, and launches nothing', async () => {
    const scratch = await dynamo.scratch();
    const cached = aTenant({ maxRunners: 2 });
    await scratch.stores.tenants.createIfAbsent(cached);
    await scratch.stores.ledger.observeJob(aJob({ id: 1 }), { slot: slotFrom(cached, 'r1') });
    await editTenant(scratch, 'SET max_runners = :max, updated_at = :now', {
      ':max': { N: '1' },
      ':now': { S: minutesIn(5) },
    });

    const stale = await scratch.stores.ledger.observeJob(aJob({ id: 2 }), {
      slot: slotFrom(cached, 'r2'),
    });
    const fresh = await scratch.stores.tenants.get(101);
    const retried = await scratch.stores.ledger.takeSlot(slotFrom(fresh!, 'r3'));

    expect(stale.slot).toEqual({ taken: false, reason: 'tenant_changed' });
    expect(await scratch.stores.ledger.getJob(2)).toMatchObject({ status: 'queued' });
    expect(retried).toEqual({ taken: false, reason: 'at_tenant_limit' });
    expect((await scratch.stores.ledger.listRunners()).map((r) => r.name)).toEqual(['r1']);
  });

  const changes: [string, (scratch: DynamoScratch) => Promise<void>][] = [
    [
      'suspended',
      (t) => editTenant(t, 'SET #s = :v', { ':v': { S: 'suspended' } }, { '#s': 'status' }),
    ],
    ['on another plan tier', (t) => editTenant(t, 'SET tier = :v', { ':v': { S: 'medium' } })],
    [
      'in another runner group',
      (t) => editTenant(t, 'SET runner_group = :v', { ':v': { S: 'ci' } }),
    ],
    ['renamed', (t) => editTenant(t, 'SET account_login = :v', { ':v': { S: 'octo-new' } })],
    [
      'given an override for the tier',
      (t) => editTenant(t, 'SET tier_overrides.#t = :n', { ':n': { N: '1' } }, { '#t': 'small' }),
    ],
  ];

  it.each(changes)('refuses a copy of a tenant since %s', async (_change, edit) => {
    const scratch = await dynamo.scratch();
    const cached = aTenant();
    await scratch.stores.tenants.createIfAbsent(cached);
    await edit(scratch);

    const observed = await scratch.stores.ledger.observeJob(aJob({ id: 1 }), {
      slot: slotFrom(cached, 'r1'),
    });
    await scratch.stores.ledger.observeJob(aJob({ id: 2 }));
    const taken = await scratch.stores.ledger.takeSlot(slotFrom(cached, 'r2'));

    expect(observed.slot).toEqual({ taken: false, reason: 'tenant_changed' });
    expect(taken).toEqual({ taken: false, reason: 'tenant_changed' });
    expect(await scratch.stores.ledger.listRunners()).toEqual([]);
  });

  it('takes the slot when the copy still matches, and checks nothing when none is given', async () => {
    const scratch = await dynamo.scratch();
    const tenant = aTenant({ runnerGroup: 'ci', tierOverrides: { small: 3 } });
    await scratch.stores.tenants.createIfAbsent(tenant);

    const matching = await scratch.stores.ledger.observeJob(aJob({ id: 1 }), {
      slot: slotFrom(tenant, 'r1'),
    });
    await scratch.stores.ledger.observeJob(aJob({ id: 2 }));
    const unchecked = await scratch.stores.ledger.takeSlot(aSlotRequest({ runnerName: 'r2' }));

    expect(matching.slot).toMatchObject({ taken: true });
    expect(unchecked).toMatchObject({ taken: true });
  });
});
