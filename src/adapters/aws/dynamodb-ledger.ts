import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import {
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

import { PlatformError } from '../../core/errors.js';
import type { Job, JobObservation } from '../../core/job.js';
import { applyJobObservation } from '../../core/job.js';
import {
  checkJobObservation,
  checkRunnerPatch,
  checkSlotRequest,
} from '../../core/ledger-input.js';
import type { Clock } from '../../core/ports/clock.js';
import type {
  JobFilter,
  Ledger,
  ObserveOptions,
  Observed,
  RunnerFilter,
  SlotDecision,
  SlotRequest,
} from '../../core/ports/ledger.js';
import type { Runner, RunnerPatch } from '../../core/runner.js';
import { applyRunnerPatch } from '../../core/runner.js';
import { launchingRunner, runnerNameTaken, slotRefusal } from '../../core/slot.js';
import type { Item } from './dynamodb-attributes.js';
import { number, text } from './dynamodb-attributes.js';
import { DynamoConditionFailed } from './dynamodb-errors.js';
import { itemToJob, jobToItem } from './dynamodb-job-item.js';
import { jobKey, repositoryScopeKey, runnerKey, slotsKey } from './dynamodb-ledger-keys.js';
import { queryJobItems, queryRunnerItems } from './dynamodb-ledger-queries.js';
import type { StoredRunner } from './dynamodb-runner-item.js';
import { itemToRunner, runnerRecordUpdate, runnerToItem } from './dynamodb-runner-item.js';
import {
  jobCounterWrites,
  queuedJobSlotWrites,
  readSlotCounts,
  runnerCounterWrites,
  takeSlotWrites,
} from './dynamodb-slot-counters.js';
import type { DynamoTable } from './dynamodb-table.js';
import { tenantUnchangedCheck } from './dynamodb-tenant-check.js';

export interface DynamoLedgerOptions {
  /** `<prefix>-ledger`. */
  readonly table: DynamoTable;
  readonly clock: Clock;
  /** How long a completed job or a done runner stays before TTL removes it. */
  readonly retentionDays: number;
  /**
   * `<prefix>-tenants`. With it, a slot request that carries the tenant it was decided on is
   * checked against the tenant's item in the same transaction (`SlotRequest.tenant`).
   */
  readonly tenantsTable?: string;
}

/**
 * Rounds of read, decide, conditional write. A round is lost only when another writer changed
 * the same item or counters in between, which means that writer made progress; the bound
 * keeps a pathological storm from looping forever.
 */
const MAX_ROUNDS = 10;

/**
 * Jobs, runners and slot counters in `<prefix>-ledger`. Every state change is one conditional
 * write, or one transaction when it moves a counter, so no crash can leave a counter out of
 * step with the jobs and runners it counts. `docs/aws-ledger.md` describes the layout.
 */
export class DynamoLedger implements Ledger {
  private readonly table: DynamoTable;
  private readonly clock: Clock;
  private readonly retentionSeconds: number;
  private readonly tenantsTable: string | undefined;

  constructor(options: DynamoLedgerOptions) {
    this.table = options.table;
    this.clock = options.clock;
    this.retentionSeconds = Math.round(options.retentionDays * 86_400);
    this.tenantsTable = options.tenantsTable;
  }

  async observeJob(observation: JobObservation, options: ObserveOptions = {}): Promise<Observed> {
    checkJobObservation(observation);
    const slot = options.slot;
    if (slot !== undefined) checkSlotRequest(slot);

    if (slot !== undefined && observation.status === 'queued') {
      const recorded = await this.recordQueuedWithSlot(observation, slot);
      if (recorded !== undefined) return recorded;
    }
    const observed = await this.recordJob(observation);
    if (slot === undefined || !observed.changed || observed.job.status !== 'queued') {
      return observed;
    }
    // Two steps here, one atomic step to every reader: a racer taking the slot in between
    // is seen by this take as the runner of the demand.
    return { ...observed, slot: await this.takeSlot(slot) };
  }

  /**
   * The common case in one transaction and no read: a job never seen, queued, and a slot for
   * its runner. Undefined when the transaction could not settle it (the job exists, or the
   * demand or a limit refused the slot); the two-step path then reads and says why.
   */
  private async recordQueuedWithSlot(
    observation: JobObservation,
    request: SlotRequest,
  ): Promise<Observed | undefined> {
    const job = applyJobObservation(undefined, observation);
    const granted = launchingRunner(request);
    const writes = queuedJobSlotWrites(
      this.table.name,
      request,
      { item: jobToItem(job, undefined), repository: job.repository },
      runnerToItem(granted, 1, undefined),
    );
    const attempt = `recording job ${observation.id} with a slot for runner ${request.runnerName}`;

    const outcome = await this.commitSlot(attempt, request, writes, granted);
    if (outcome === 'taken') return { job, changed: true, slot: { taken: true, runner: granted } };
    // The job's put is the first write: the job exists, and the two steps read it.
    if (outcome.failed.includes(0)) return undefined;
    if (outcome.tenantChanged) {
      return {
        ...(await this.recordJob(observation)),
        slot: { taken: false, reason: 'tenant_changed' },
      };
    }
    return undefined;
  }

  private async recordJob(observation: JobObservation): Promise<Observed> {
    const attempt = `recording job ${observation.id}`;
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const known = await this.getJob(observation.id);
      const job = applyJobObservation(known, observation);
      if (job === known) return { job, changed: false };

      if (await this.writeJob(attempt, known, job)) return { job, changed: true };
    }
    throw this.contended(attempt, { job_id: observation.id });
  }

  async getJob(id: number): Promise<Job | undefined> {
    const item = await this.getItem(`reading job ${id}`, jobKey(id));
    return item && itemToJob(item, this.table.name);
  }

  async listJobs(filter: JobFilter = {}): Promise<Job[]> {
    const items = await queryJobItems(this.table, filter);
    return items.map((item) => itemToJob(item, this.table.name)).sort((a, b) => a.id - b.id);
  }

  async takeSlot(request: SlotRequest): Promise<SlotDecision> {
    checkSlotRequest(request);

    const attempt = `taking a slot for runner ${request.runnerName}`;
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const [slots, runner, scope] = await this.readSlotState(attempt, request);
      if (runner !== undefined) throw runnerNameTaken(request.runnerName, attempt);

      const reason = slotRefusal(readSlotCounts(request, slots, scope), request.limits);
      if (reason !== undefined) return { taken: false, reason };

      const granted = launchingRunner(request);
      const writes = takeSlotWrites(this.table.name, request, runnerToItem(granted, 1, undefined));
      const outcome = await this.commitSlot(attempt, request, writes, granted);
      if (outcome === 'taken') return { taken: true, runner: granted };
      if (outcome.tenantChanged) return { taken: false, reason: 'tenant_changed' };
      // A counter moved since the read: read again and decide on what is there now.
    }
    throw this.contended(attempt, { runner_name: request.runnerName });
  }

  async updateRunner(name: string, patch: RunnerPatch): Promise<Runner | undefined> {
    checkRunnerPatch(name, patch);

    const attempt = `updating runner ${name}`;
    if (patch.state === undefined) return this.recordOnRunner(attempt, name, patch);
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const stored = await this.getStoredRunner(name);
      if (stored === undefined) return undefined;

      const next = applyRunnerPatch(stored.runner, patch);
      if (next === stored.runner) return next;

      if (await this.writeRunner(attempt, stored, next)) return next;
    }
    throw this.contended(attempt, { runner_name: name });
  }

  /**
   * A patch that moves no state moves no counter and no index key: one conditional update,
   * no read, as `applyRunnerPatch` would apply it (a done runner never changes again).
   */
  private async recordOnRunner(
    attempt: string,
    name: string,
    patch: RunnerPatch,
  ): Promise<Runner | undefined> {
    try {
      const output = await this.table.send(attempt, (client) =>
        client.send(new UpdateItemCommand(runnerRecordUpdate(this.table.name, name, patch))),
      );
      return output.Attributes && itemToRunner(output.Attributes, this.table.name).runner;
    } catch (error) {
      // Unknown, or done: either way the stored runner (or none) is the answer.
      if (error instanceof DynamoConditionFailed) return this.getRunner(name);
      throw error;
    }
  }

  async getRunner(name: string): Promise<Runner | undefined> {
    return (await this.getStoredRunner(name))?.runner;
  }

  async listRunners(filter: RunnerFilter = {}): Promise<Runner[]> {
    if (filter.states?.length === 0) return [];

    const items = await queryRunnerItems(this.table, filter);
    return items
      .map((item) => itemToRunner(item, this.table.name).runner)
      .sort((a, b) => byText(a.launchedAt, b.launchedAt) || byText(a.name, b.name));
  }

  /**
   * Commits a grant's writes (the runner's put last) behind the check of the request's tenant,
   * when there is one to check. `taken`, or which of `writes` failed and whether the tenant
   * check did. A taken runner name is `conflict`, unless it is this very grant: the SDK retried
   * a transaction whose answer was lost.
   */
  private async commitSlot(
    attempt: string,
    request: SlotRequest,
    writes: readonly TransactWriteItem[],
    granted: Runner,
  ): Promise<'taken' | { readonly failed: readonly number[]; readonly tenantChanged: boolean }> {
    const check =
      this.tenantsTable === undefined || request.tenant === undefined
        ? undefined
        : tenantUnchangedCheck(this.tenantsTable, request.tenant, request.tier);
    const offset = check === undefined ? 0 : 1;

    const failedItems = await this.transact(
      attempt,
      check === undefined ? [...writes] : [check, ...writes],
    );
    if (failedItems === undefined) return 'taken';
    const failed = failedItems.filter((index) => index >= offset).map((index) => index - offset);
    if (failed.includes(writes.length - 1)) {
      if (await this.grantedBefore(granted)) return 'taken';
      throw runnerNameTaken(request.runnerName, attempt);
    }
    return { failed, tenantChanged: offset === 1 && failedItems.includes(0) };
  }

  /** Runner names carry a random part: one stored with this tenant, tier, scope and time is ours. */
  private async grantedBefore(granted: Runner): Promise<boolean> {
    const stored = await this.getRunner(granted.name);
    return (
      stored !== undefined &&
      stored.installationId === granted.installationId &&
      stored.tier === granted.tier &&
      stored.repository === granted.repository &&
      stored.launchedAt === granted.launchedAt
    );
  }

  /** Writes the job if it is still as read; false when another writer got there first. */
  private async writeJob(attempt: string, known: Job | undefined, job: Job): Promise<boolean> {
    const put = {
      TableName: this.table.name,
      Item: jobToItem(job, job.status === 'completed' ? this.expiry() : undefined),
      ...(known === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            // Status only moves forward, and every other field moves with it.
            ConditionExpression: '#status = :known',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':known': text(known.status) },
          }),
    };
    const counters = jobCounterWrites(this.table.name, known, job);

    if (counters.length === 0) return this.putIfUnchanged(attempt, put);
    return (await this.transact(attempt, [{ Put: put }, ...counters])) === undefined;
  }

  /** Writes the runner if its revision is still the one read; false when it moved on. */
  private async writeRunner(attempt: string, stored: StoredRunner, next: Runner): Promise<boolean> {
    const put = {
      TableName: this.table.name,
      Item: runnerToItem(
        next,
        stored.revision + 1,
        next.state === 'done' ? this.expiry() : undefined,
      ),
      ConditionExpression: '#revision = :read',
      ExpressionAttributeNames: { '#revision': 'revision' },
      ExpressionAttributeValues: { ':read': number(stored.revision) },
    };
    const counters = runnerCounterWrites(this.table.name, stored.runner, next);

    if (counters.length === 0) return this.putIfUnchanged(attempt, put);
    return (await this.transact(attempt, [{ Put: put }, ...counters])) === undefined;
  }

  private async getStoredRunner(name: string): Promise<StoredRunner | undefined> {
    const item = await this.getItem(`reading runner ${name}`, runnerKey(name));
    return item && itemToRunner(item, this.table.name);
  }

  /** The tenant's counters, the runner name's item and the repository scope, as one snapshot. */
  private async readSlotState(
    attempt: string,
    request: SlotRequest,
  ): Promise<[Item | undefined, Item | undefined, Item | undefined]> {
    const keys = [slotsKey(request.installationId), runnerKey(request.runnerName)];
    if (request.repository !== undefined) {
      keys.push(repositoryScopeKey(request.installationId, request.tier, request.repository));
    }

    const output = await this.table.send(attempt, (client) =>
      client.send(
        new TransactGetItemsCommand({
          TransactItems: keys.map((Key) => ({ Get: { TableName: this.table.name, Key } })),
        }),
      ),
    );
    const items = (output.Responses ?? []).map((response) => response.Item);
    return [items[0], items[1], items[2]];
  }

  private async getItem(attempt: string, key: Item): Promise<Item | undefined> {
    const output = await this.table.send(attempt, (client) =>
      client.send(
        new GetItemCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }),
      ),
    );
    return output.Item;
  }

  private async putIfUnchanged(attempt: string, put: PutItemCommand['input']): Promise<boolean> {
    try {
      await this.table.send(attempt, (client) => client.send(new PutItemCommand(put)));
      return true;
    } catch (error) {
      if (error instanceof DynamoConditionFailed) return false;
      throw error;
    }
  }

  /** Runs the transaction; returns undefined when it committed, else the items that failed. */
  private async transact(
    attempt: string,
    writes: TransactWriteItem[],
  ): Promise<readonly number[] | undefined> {
    try {
      await this.table.send(attempt, (client) =>
        client.send(new TransactWriteItemsCommand({ TransactItems: writes })),
      );
      return undefined;
    } catch (error) {
      if (error instanceof DynamoConditionFailed) return error.failedItems;
      throw error;
    }
  }

  private expiry(): number {
    return Math.floor(this.clock.now() / 1000) + this.retentionSeconds;
  }

  private contended(attempt: string, details: Readonly<Record<string, unknown>>): PlatformError {
    return new PlatformError(
      'conflict',
      `${attempt}: other writers changed the same items ${MAX_ROUNDS} times in a row; try again`,
      { retryable: true, details: { ...details, table: this.table.name } },
    );
  }
}

/** Orders strings by code unit, as the memory and SQLite ledgers do, so all three agree. */
function byText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
