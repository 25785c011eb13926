import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';

import type { Job } from '../../core/job.js';
import type { SlotRequest } from '../../core/ports/ledger.js';
import type { Runner } from '../../core/runner.js';
import { PENDING_RUNNER_STATES } from '../../core/runner.js';
import type { SlotCounts } from '../../core/slot.js';
import type { Item } from './dynamodb-attributes.js';
import { ItemReader, number, text } from './dynamodb-attributes.js';
import { repositoryScopeKey, slotsKey } from './dynamodb-ledger-keys.js';

/**
 * The counters `takeSlot` decides on, kept exact by writing each change in the same
 * transaction as the job or runner change that causes it.
 *
 * The tenant's `SLOTS` item holds `active` (runners not done, all tiers) and per tier
 * `active_<tier>`, `queued_<tier>` (queued jobs) and `pending_<tier>` (launching or idle
 * runners). A `SCOPE#<tier>#<repository>` item holds `queued` and `pending` for one repository,
 * the demand scope of a User account; it is its own item so that a tenant with many
 * repositories never grows one item towards DynamoDB's 400 KB limit.
 */
export function tierCounters(tier: string): {
  readonly active: string;
  readonly tierActive: string;
  readonly queued: string;
  readonly pending: string;
} {
  return {
    active: 'active',
    tierActive: `active_${tier}`,
    queued: `queued_${tier}`,
    pending: `pending_${tier}`,
  };
}

/** The counter changes a job write causes: only moving into or out of `queued` counts. */
export function jobCounterWrites(
  table: string,
  before: Job | undefined,
  after: Job,
): TransactWriteItem[] {
  const queued = Number(after.status === 'queued') - Number(before?.status === 'queued');
  if (queued === 0) return [];

  const names = tierCounters(after.tier);
  return [
    addCounters(table, slotsKey(after.installationId), 'slots', { [names.queued]: queued }),
    addCounters(
      table,
      repositoryScopeKey(after.installationId, after.tier, after.repository),
      'scope',
      { queued },
    ),
  ].flatMap((write) => write ?? []);
}

/** The counter changes a runner write causes: leaving `launching`/`idle`, and reaching `done`. */
export function runnerCounterWrites(
  table: string,
  before: Runner,
  after: Runner,
): TransactWriteItem[] {
  const pending = Number(isPending(after)) - Number(isPending(before));
  const active = Number(after.state !== 'done') - Number(before.state !== 'done');
  const names = tierCounters(after.tier);

  const slots = addCounters(table, slotsKey(after.installationId), 'slots', {
    [names.active]: active,
    [names.tierActive]: active,
    [names.pending]: pending,
  });
  const scope =
    after.repository === undefined
      ? undefined
      : addCounters(
          table,
          repositoryScopeKey(after.installationId, after.tier, after.repository),
          'scope',
          { pending },
        );
  return [slots, scope].flatMap((write) => write ?? []);
}

/**
 * The writes of a granted slot, the runner's put last. Each counter update carries the rule
 * itself as its condition (demand in the scope, room under both limits), not the values read
 * before, so racers that do not change the outcome for each other do not cancel each other.
 */
export function takeSlotWrites(
  table: string,
  request: SlotRequest,
  runnerItem: Item,
): TransactWriteItem[] {
  return slotWrites(table, request, runnerItem, false);
}

/**
 * The writes that record a job never seen before as queued and, in the same transaction, take
 * the slot for its runner: the job's put first, the runner's put last. The job is counted in
 * the demand the condition checks, so no read is needed before.
 */
export function queuedJobSlotWrites(
  table: string,
  request: SlotRequest,
  job: { readonly item: Item; readonly repository: string },
  runnerItem: Item,
): TransactWriteItem[] {
  const put: TransactWriteItem = {
    Put: { TableName: table, Item: job.item, ConditionExpression: 'attribute_not_exists(pk)' },
  };
  const slot = slotWrites(table, request, runnerItem, true);
  if (request.repository !== undefined) return [put, ...slot];

  // An organisation's slot decides on the tier's counters, but every job also counts in its
  // repository's, as `jobCounterWrites` keeps them; the runner's put stays last.
  const repositoryQueued = addCounters(
    table,
    repositoryScopeKey(request.installationId, request.tier, job.repository),
    'scope',
    { queued: 1 },
  );
  return [
    put,
    ...slot.slice(0, -1),
    ...(repositoryQueued ? [repositoryQueued] : []),
    ...slot.slice(-1),
  ];
}

function slotWrites(
  table: string,
  request: SlotRequest,
  runnerItem: Item,
  newJob: boolean,
): TransactWriteItem[] {
  const names = tierCounters(request.tier);
  const orgScope = request.repository === undefined;
  const limits =
    '(attribute_not_exists(#active) OR #active < :tenantMax) AND ' +
    '(attribute_not_exists(#tierActive) OR #tierActive < :tierMax)';
  const slots: TransactWriteItem = {
    Update: {
      TableName: table,
      Key: slotsKey(request.installationId),
      UpdateExpression:
        'SET #kind = :slots ADD #active :one, #tierActive :one, #pending :one' +
        (newJob ? ', #queued :one' : ''),
      ConditionExpression: orgScope ? `${demandCondition(newJob)} AND ${limits}` : limits,
      ExpressionAttributeNames: {
        '#kind': 'kind',
        '#active': names.active,
        '#tierActive': names.tierActive,
        '#pending': names.pending,
        ...(orgScope || newJob ? { '#queued': names.queued } : {}),
      },
      ExpressionAttributeValues: {
        ':slots': text('slots'),
        ':one': number(1),
        ':tenantMax': number(request.limits.tenantMax),
        ':tierMax': number(request.limits.tierMax),
        ...(orgScope ? { ':zero': number(0) } : {}),
      },
    },
  };
  const runner: TransactWriteItem = {
    Put: { TableName: table, Item: runnerItem, ConditionExpression: 'attribute_not_exists(pk)' },
  };
  if (request.repository === undefined) return [slots, runner];

  const scope: TransactWriteItem = {
    Update: {
      TableName: table,
      Key: repositoryScopeKey(request.installationId, request.tier, request.repository),
      UpdateExpression: newJob ? 'ADD #pending :one, #queued :one' : 'ADD #pending :one',
      ConditionExpression: demandCondition(newJob),
      ExpressionAttributeNames: { '#queued': 'queued', '#pending': 'pending' },
      ExpressionAttributeValues: { ':one': number(1), ':zero': number(0) },
    },
  };
  return [slots, scope, runner];
}

/** The counts `slotRefusal` needs, from the `SLOTS` item and, for a repository, its scope. */
export function readSlotCounts(
  request: SlotRequest,
  slots: Item | undefined,
  scope: Item | undefined,
): SlotCounts {
  const names = tierCounters(request.tier);
  const tenant = new ItemReader(slots ?? {});
  const repository = new ItemReader(scope ?? {});
  // An organisation's demand is the tier's; a User account's is its repository's.
  const demand =
    request.repository === undefined
      ? { reader: tenant, queued: names.queued, pending: names.pending }
      : { reader: repository, queued: 'queued', pending: 'pending' };

  const counts: SlotCounts = {
    queuedJobs: demand.reader.optionalNumber(demand.queued) ?? 0,
    pendingRunners: demand.reader.optionalNumber(demand.pending) ?? 0,
    tenantRunners: tenant.optionalNumber(names.active) ?? 0,
    tierRunners: tenant.optionalNumber(names.tierActive) ?? 0,
  };

  const subject = `taking a slot for runner ${request.runnerName}: reading the counters of tenant ${request.installationId}`;
  tenant.refuseIfBroken(subject, { installation_id: request.installationId });
  repository.refuseIfBroken(subject, { installation_id: request.installationId });
  return counts;
}

/**
 * More queued jobs than launching or idle runners; an absent counter is zero. With `newJob`,
 * one more job than the item counts yet: its runners may then be as many as its jobs.
 */
function demandCondition(newJob: boolean): string {
  if (newJob) return '(attribute_not_exists(#pending) OR #pending = :zero OR #pending <= #queued)';
  return '#queued > :zero AND (attribute_not_exists(#pending) OR #queued > #pending)';
}

function isPending(runner: Runner): boolean {
  return PENDING_RUNNER_STATES.includes(runner.state);
}

/**
 * `ADD` starts a missing item or counter at zero, so no counter needs creating first. `kind`
 * only tells a reader of the table what the item is.
 */
function addCounters(
  table: string,
  key: Item,
  kind: 'slots' | 'scope',
  deltas: Readonly<Record<string, number>>,
): TransactWriteItem | undefined {
  const changes = Object.entries(deltas).filter(([, delta]) => delta !== 0);
  if (changes.length === 0) return undefined;

  const adds = changes.map((_, i) => `#c${i} :d${i}`).join(', ');
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: `SET #kind = :kind ADD ${adds}`,
      ExpressionAttributeNames: {
        '#kind': 'kind',
        ...Object.fromEntries(changes.map(([name], i) => [`#c${i}`, name])),
      },
      ExpressionAttributeValues: {
        ':kind': text(kind),
        ...Object.fromEntries(changes.map(([, delta], i) => [`:d${i}`, number(delta)])),
      },
    },
  };
}
