import { QueryCommand } from '@aws-sdk/client-dynamodb';

import type { JobStatus } from '../../core/job.js';
import type { JobFilter, RunnerFilter } from '../../core/ports/ledger.js';
import type { RunnerState } from '../../core/runner.js';
import { ACTIVE_RUNNER_STATES } from '../../core/runner.js';
import type { Item } from './dynamodb-attributes.js';
import { text } from './dynamodb-attributes.js';
import {
  jobsInStatus,
  jobsOfTenant,
  runnersInState,
  runnersOfTenant,
} from './dynamodb-ledger-keys.js';
import { collectPages } from './dynamodb-pages.js';
import type { DynamoTable } from './dynamodb-table.js';
import { LEDGER_BY_STATE_INDEX, LEDGER_BY_TENANT_INDEX } from './dynamodb-tables.js';

/** Listed so that adding a job status fails to compile here until the queries know it. */
const EVERY_JOB_STATUS: Readonly<Record<JobStatus, true>> = {
  waiting: true,
  queued: true,
  in_progress: true,
  completed: true,
};
const JOB_STATUSES = Object.keys(EVERY_JOB_STATUS) as JobStatus[];
const RUNNER_STATES: readonly RunnerState[] = [...ACTIVE_RUNNER_STATES, 'done'];

/** One Query: an index partition, optionally narrowed to a sort-key prefix. */
interface IndexQuery {
  readonly index: typeof LEDGER_BY_TENANT_INDEX | typeof LEDGER_BY_STATE_INDEX;
  readonly partition: string;
  readonly orderPrefix?: string;
}

/** Exact matches applied after the key narrowed the read, keyed by attribute name. */
type ExactMatch = Readonly<Record<string, string | undefined>>;

/**
 * Job items matching `filter`, read from the indexes: a tenant's partition of `by_tenant`
 * (narrowed by status, tier and repository as far as they are given), or one `by_state`
 * partition per status when no tenant is named. Never a Scan.
 */
export async function queryJobItems(table: DynamoTable, filter: JobFilter): Promise<Item[]> {
  const exact = { tier: filter.tier, status: filter.status, repository: filter.repository };

  if (filter.installationId !== undefined) {
    const prefix = keyPrefix([filter.status, filter.tier, filter.repository]);
    const query = {
      index: LEDGER_BY_TENANT_INDEX,
      partition: jobsOfTenant(filter.installationId),
      orderPrefix: prefix,
    };
    return queryIndex(table, 'listing jobs', query, exact);
  }

  const statuses = filter.status === undefined ? JOB_STATUSES : [filter.status];
  const pages = await Promise.all(
    statuses.map((status) =>
      queryIndex(
        table,
        'listing jobs',
        { index: LEDGER_BY_STATE_INDEX, partition: jobsInStatus(status) },
        exact,
      ),
    ),
  );
  return pages.flat();
}

/** Runner items matching `filter`: one Query per state asked for, on the index that fits. */
export async function queryRunnerItems(table: DynamoTable, filter: RunnerFilter): Promise<Item[]> {
  const exact = { tier: filter.tier };
  const { installationId } = filter;

  if (installationId !== undefined && filter.states === undefined) {
    const query = { index: LEDGER_BY_TENANT_INDEX, partition: runnersOfTenant(installationId) };
    return queryIndex(table, 'listing runners', query, exact);
  }

  const states = filter.states ?? RUNNER_STATES;
  const pages = await Promise.all(
    [...new Set(states)].map((state) => {
      const query: IndexQuery =
        installationId === undefined
          ? { index: LEDGER_BY_STATE_INDEX, partition: runnersInState(state) }
          : {
              index: LEDGER_BY_TENANT_INDEX,
              partition: runnersOfTenant(installationId),
              orderPrefix: keyPrefix([state, filter.tier]),
            };
      return queryIndex(table, 'listing runners', query, exact);
    }),
  );
  return pages.flat();
}

/**
 * `a#b#` for the leading parts that are given; stops at the first one that is not, since a
 * sort-key prefix cannot skip a part.
 */
function keyPrefix(parts: readonly (string | undefined)[]): string | undefined {
  const leading: string[] = [];
  for (const part of parts) {
    if (part === undefined) break;
    leading.push(part);
  }
  return leading.length === 0 ? undefined : `${leading.join('#')}#`;
}

async function queryIndex(
  table: DynamoTable,
  attempt: string,
  query: IndexQuery,
  exact: ExactMatch,
): Promise<Item[]> {
  const names: Record<string, string> = { '#pk': query.index.partitionKey.name };
  const values: Item = { ':pk': text(query.partition) };
  let keyCondition = '#pk = :pk';
  if (query.orderPrefix !== undefined) {
    names['#order'] = query.index.sortKey.name;
    values[':order'] = text(query.orderPrefix);
    keyCondition += ' AND begins_with(#order, :order)';
  }

  // The key prefix only narrows; these make the match exact whatever a name contains.
  const matches = Object.entries(exact).flatMap(([attribute, value], i) => {
    if (value === undefined) return [];
    names[`#f${i}`] = attribute;
    values[`:f${i}`] = text(value);
    return [`#f${i} = :f${i}`];
  });

  return collectPages((startKey) =>
    table.send(attempt, (client) =>
      client.send(
        new QueryCommand({
          TableName: table.name,
          IndexName: query.index.name,
          KeyConditionExpression: keyCondition,
          FilterExpression: matches.length > 0 ? matches.join(' AND ') : undefined,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
          Limit: table.pageSize,
        }),
      ),
    ),
  );
}
