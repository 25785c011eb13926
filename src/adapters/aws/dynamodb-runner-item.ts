import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';

import type { Runner, RunnerPatch, RunnerState } from '../../core/runner.js';
import { ACTIVE_RUNNER_STATES } from '../../core/runner.js';
import type { Item } from './dynamodb-attributes.js';
import {
  ItemReader,
  compactItem,
  number,
  optionalNumber,
  optionalText,
  text,
} from './dynamodb-attributes.js';
import { runnerIndexKeys, runnerKey } from './dynamodb-ledger-keys.js';
import { TTL_ATTRIBUTE } from './dynamodb-tables.js';

/** A runner as stored, with the revision its next write must be conditioned on. */
export interface StoredRunner {
  readonly runner: Runner;
  readonly revision: number;
}

/**
 * A runner as its ledger item. `revision` counts its writes, so a patch read at one revision
 * cannot overwrite another made since; `expiresAt` (epoch seconds) only once it is done.
 */
export function runnerToItem(
  runner: Runner,
  revision: number,
  expiresAt: number | undefined,
): Item {
  return compactItem({
    ...runnerKey(runner.name),
    ...runnerIndexKeys(runner),
    kind: text('runner'),
    revision: number(revision),
    runner_name: text(runner.name),
    installation_id: number(runner.installationId),
    tier: text(runner.tier),
    tenant_tier: text(runner.tenantTier),
    repository: optionalText(runner.repository),
    state: text(runner.state),
    github_runner_id: optionalNumber(runner.githubRunnerId),
    compute_id: optionalText(runner.computeId),
    machine: optionalText(runner.machine),
    job_id: optionalNumber(runner.jobId),
    launched_at: text(runner.launchedAt),
    registered_at: optionalText(runner.registeredAt),
    started_at: optionalText(runner.startedAt),
    done_at: optionalText(runner.doneAt),
    done_reason: optionalText(runner.doneReason),
    [TTL_ATTRIBUTE]: optionalNumber(expiresAt),
  });
}

/** Reads a runner item back; a damaged one is refused with every bad attribute named. */
export function itemToRunner(item: Item, table: string): StoredRunner {
  const reader = new ItemReader(item);
  const runner: Runner = {
    name: reader.text('runner_name'),
    installationId: reader.number('installation_id'),
    tier: reader.text('tier'),
    tenantTier: reader.text('tenant_tier'),
    repository: reader.optionalText('repository'),
    state: reader.text('state') as RunnerState,
    githubRunnerId: reader.optionalNumber('github_runner_id'),
    computeId: reader.optionalText('compute_id'),
    machine: reader.optionalText('machine'),
    jobId: reader.optionalNumber('job_id'),
    launchedAt: reader.text('launched_at'),
    registeredAt: reader.optionalText('registered_at'),
    startedAt: reader.optionalText('started_at'),
    doneAt: reader.optionalText('done_at'),
    doneReason: reader.optionalText('done_reason'),
  };
  const revision = reader.number('revision');
  if (!isRunnerState(runner.state) && runner.state !== '') {
    reader.problems.push({ key: 'state', value: runner.state, message: 'is not a runner state' });
  }

  reader.refuseIfBroken(`reading runner ${item['runner_name']?.S ?? '?'} from table ${table}`, {
    table,
    item_key: item['pk']?.S,
  });
  return { runner, revision };
}

const RUNNER_STATES: readonly string[] = [...ACTIVE_RUNNER_STATES, 'done'];

function isRunnerState(value: string): value is RunnerState {
  return RUNNER_STATES.includes(value);
}

/**
 * The update that applies a patch moving no state, as `applyRunnerPatch` would: the fields it
 * names, the registration time once GitHub knows the runner, and the revision. It holds only
 * for a runner that exists and is not done.
 */
export function runnerRecordUpdate(
  table: string,
  name: string,
  patch: RunnerPatch,
): UpdateItemCommandInput {
  const fields: [string, AttributeValue | undefined][] = [
    ['github_runner_id', optionalNumber(patch.githubRunnerId)],
    ['compute_id', optionalText(patch.computeId)],
    ['machine', optionalText(patch.machine)],
    ['job_id', optionalNumber(patch.jobId)],
  ];
  const sets = fields.flatMap(([attribute, value], i) =>
    value === undefined ? [] : [{ name: `#f${i}`, attribute, key: `:f${i}`, value }],
  );
  const registers = patch.githubRunnerId !== undefined;

  return {
    TableName: table,
    Key: runnerKey(name),
    UpdateExpression:
      'SET ' +
      [
        ...sets.map((set) => `${set.name} = ${set.key}`),
        ...(registers ? ['#registered = if_not_exists(#registered, :at)'] : []),
        '#revision = #revision + :one',
      ].join(', '),
    ConditionExpression: 'attribute_exists(pk) AND #state <> :done',
    ExpressionAttributeNames: {
      ...Object.fromEntries(sets.map((set) => [set.name, set.attribute])),
      ...(registers ? { '#registered': 'registered_at' } : {}),
      '#revision': 'revision',
      '#state': 'state',
    },
    ExpressionAttributeValues: {
      ...Object.fromEntries(sets.map((set) => [set.key, set.value])),
      ...(registers ? { ':at': text(patch.at) } : {}),
      ':one': number(1),
      ':done': text('done'),
    },
    ReturnValues: 'ALL_NEW',
  };
}
