import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';

import { repositoryScopeKey, slotsKey } from '../../../src/adapters/aws/dynamodb-ledger-keys.js';
import type { Ledger } from '../../../src/core/ports/ledger.js';
import { ACTIVE_RUNNER_STATES, PENDING_RUNNER_STATES } from '../../../src/core/runner.js';

/** The numbers on a tenant's counter items, absent counters as 0. */
export interface CounterReading {
  readonly slots: Record<string, number>;
  readonly scopes: Record<string, { queued: number; pending: number }>;
}

/** Reads the `SLOTS` item and the scope items of `repositories` as stored. */
export async function readCounters(
  client: DynamoDBClient,
  table: string,
  installationId: number,
  tiers: readonly string[],
  repositories: readonly string[],
): Promise<CounterReading> {
  const slotsItem = (
    await client.send(
      new GetItemCommand({ TableName: table, Key: slotsKey(installationId), ConsistentRead: true }),
    )
  ).Item;
  const value = (name: string): number => Number(slotsItem?.[name]?.N ?? 0);
  const slots: Record<string, number> = { active: value('active') };
  for (const tier of tiers) {
    for (const name of [`active_${tier}`, `queued_${tier}`, `pending_${tier}`]) {
      slots[name] = value(name);
    }
  }

  const scopes: CounterReading['scopes'] = {};
  for (const tier of tiers) {
    for (const repository of repositories) {
      const item = (
        await client.send(
          new GetItemCommand({
            TableName: table,
            Key: repositoryScopeKey(installationId, tier, repository),
            ConsistentRead: true,
          }),
        )
      ).Item;
      scopes[`${tier}#${repository}`] = {
        queued: Number(item?.['queued']?.N ?? 0),
        pending: Number(item?.['pending']?.N ?? 0),
      };
    }
  }
  return { slots, scopes };
}

/** What the counters must say, counted from the jobs and runners the ledger lists. */
export async function recount(
  ledger: Ledger,
  installationId: number,
  tiers: readonly string[],
  repositories: readonly string[],
): Promise<CounterReading> {
  const jobs = await ledger.listJobs({ installationId, status: 'queued' });
  const runners = await ledger.listRunners({ installationId, states: ACTIVE_RUNNER_STATES });
  const pending = runners.filter((runner) => PENDING_RUNNER_STATES.includes(runner.state));

  const slots: Record<string, number> = { active: runners.length };
  for (const tier of tiers) {
    slots[`active_${tier}`] = runners.filter((r) => r.tier === tier).length;
    slots[`queued_${tier}`] = jobs.filter((j) => j.tier === tier).length;
    slots[`pending_${tier}`] = pending.filter((r) => r.tier === tier).length;
  }

  const scopes: CounterReading['scopes'] = {};
  for (const tier of tiers) {
    for (const repository of repositories) {
      scopes[`${tier}#${repository}`] = {
        queued: jobs.filter((j) => j.tier === tier && j.repository === repository).length,
        pending: pending.filter((r) => r.tier === tier && r.repository === repository).length,
      };
    }
  }
  return { slots, scopes };
}
