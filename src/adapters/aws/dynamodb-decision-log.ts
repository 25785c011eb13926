import { randomUUID } from 'node:crypto';

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

import type { Decision, DecisionReason, RecordedDecision } from '../../core/decision.js';
import { checkDecision, repeatsDecision } from '../../core/decision.js';
import type { Clock } from '../../core/ports/clock.js';
import type { DecisionLog } from '../../core/ports/decision-log.js';
import { DEFAULT_DECISIONS_PER_TENANT } from '../../core/ports/decision-log.js';
import type { Item } from './dynamodb-attributes.js';
import {
  ItemReader,
  compactItem,
  number,
  optionalNumber,
  optionalText,
  text,
} from './dynamodb-attributes.js';
import { DynamoConditionFailed } from './dynamodb-errors.js';
import { DynamoTable } from './dynamodb-table.js';
import { TTL_ATTRIBUTE, tableNames } from './dynamodb-tables.js';

export interface DynamoDecisionLogOptions {
  /** `<prefix>-ledger`: decisions live beside the jobs and runners, in partitions of their own. */
  readonly table: DynamoTable;
  readonly clock: Clock;
  /** Days a decision is kept after its last repeat before TTL removes it. */
  readonly retentionDays: number;
  /** Decisions of a tenant that `listRecent` reads at most. */
  readonly keepPerTenant?: number;
}

/** Days decisions are kept unless told otherwise: two weeks of "why did my job wait". */
export const DEFAULT_DECISION_RETENTION_DAYS = 14;

/** Every sort key of one process is larger than the last, so equal times keep their order. */
let sequence = 0;

/**
 * Decisions in `<prefix>-ledger`, one partition per tenant: `DECISIONS#<installation id>`, with
 * sort keys `<ISO time>#<sequence>#<random>` so a Query newest-first reads them in order. They
 * carry no index keys, so the ledger's indexes never see them. TTL bounds how long they stay;
 * reads stop at the newest `keepPerTenant`.
 */
export class DynamoDecisionLog implements DecisionLog {
  private readonly table: DynamoTable;
  private readonly clock: Clock;
  private readonly retentionSeconds: number;
  private readonly keep: number;

  constructor(options: DynamoDecisionLogOptions) {
    this.table = options.table;
    this.clock = options.clock;
    this.retentionSeconds = Math.round(options.retentionDays * 86_400);
    this.keep = Math.max(1, options.keepPerTenant ?? DEFAULT_DECISIONS_PER_TENANT);
  }

  async record(decision: Decision): Promise<void> {
    checkDecision(decision);

    const [newest] = await this.query(decision.installationId, 1);
    if (newest !== undefined && repeatsDecision(toDecision(newest, this.table.name), decision)) {
      if (await this.repeat(newest, decision)) return;
    }
    await this.insert(decision);
  }

  async listRecent(installationId: number, limit: number): Promise<RecordedDecision[]> {
    const count = Math.min(this.keep, Math.max(0, Math.trunc(limit)));
    if (count === 0) return [];

    const items = await this.query(installationId, count);
    return items.map((item) => toDecision(item, this.table.name));
  }

  /** Folds `decision` into the stored one; false when TTL removed that one meanwhile. */
  private async repeat(stored: Item, decision: Decision): Promise<boolean> {
    try {
      await this.table.send(
        `recording a decision for tenant ${decision.installationId}`,
        (client) =>
          client.send(
            new UpdateItemCommand({
              TableName: this.table.name,
              Key: { pk: stored['pk'] as Item[string], sk: stored['sk'] as Item[string] },
              UpdateExpression: 'SET repeats = repeats + :one, last_at = :at, #ttl = :expires',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
              ExpressionAttributeValues: {
                ':one': number(1),
                ':at': text(decision.at),
                ':expires': number(this.expiry()),
              },
            }),
          ),
      );
      return true;
    } catch (error) {
      if (error instanceof DynamoConditionFailed) return false;
      throw error;
    }
  }

  private async insert(decision: Decision): Promise<void> {
    sequence += 1;
    const sortKey = [
      new Date(decision.at).toISOString(),
      String(sequence).padStart(12, '0'),
      randomUUID().slice(0, 8),
    ].join('#');

    await this.table.send(`recording a decision for tenant ${decision.installationId}`, (client) =>
      client.send(
        new PutItemCommand({
          TableName: this.table.name,
          Item: compactItem({
            pk: text(partition(decision.installationId)),
            sk: text(sortKey),
            installation_id: number(decision.installationId),
            tier: optionalText(decision.tier),
            reason: text(decision.reason),
            launched: number(decision.launched),
            job_id: optionalNumber(decision.jobId),
            detail: optionalText(decision.detail),
            at: text(decision.at),
            last_at: text(decision.at),
            repeats: number(1),
            [TTL_ATTRIBUTE]: number(this.expiry()),
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  private async query(installationId: number, limit: number): Promise<Item[]> {
    const output = await this.table.send(
      `listing the decisions of tenant ${installationId}`,
      (client) =>
        client.send(
          new QueryCommand({
            TableName: this.table.name,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': text(partition(installationId)) },
            ScanIndexForward: false,
            ConsistentRead: true,
            Limit: limit,
          }),
        ),
    );
    return output.Items ?? [];
  }

  private expiry(): number {
    return Math.floor(this.clock.now() / 1000) + this.retentionSeconds;
  }
}

/** The decision log of a deployment, in its ledger table. */
export function createDynamoDecisionLog(options: {
  readonly client: DynamoDBClient;
  readonly prefix: string;
  readonly clock: Clock;
  readonly retentionDays?: number;
  readonly keepPerTenant?: number;
}): DynamoDecisionLog {
  return new DynamoDecisionLog({
    table: new DynamoTable({ client: options.client }, tableNames(options.prefix).ledger),
    clock: options.clock,
    retentionDays: options.retentionDays ?? DEFAULT_DECISION_RETENTION_DAYS,
    ...(options.keepPerTenant === undefined ? {} : { keepPerTenant: options.keepPerTenant }),
  });
}

function partition(installationId: number): string {
  return `DECISIONS#${installationId}`;
}

function toDecision(item: Item, table: string): RecordedDecision {
  const reader = new ItemReader(item);
  const decision: RecordedDecision = {
    installationId: reader.number('installation_id'),
    tier: reader.optionalText('tier'),
    reason: reader.text('reason') as DecisionReason,
    launched: reader.number('launched'),
    jobId: reader.optionalNumber('job_id'),
    detail: reader.optionalText('detail'),
    at: reader.text('at'),
    lastAt: reader.text('last_at'),
    repeats: reader.number('repeats'),
  };
  reader.refuseIfBroken(`reading a decision from table ${table}`, { table, sk: item['sk']?.S });
  return decision;
}
