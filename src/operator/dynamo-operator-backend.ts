import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

import { createDynamoDecisionLog } from '../adapters/aws/dynamodb-decision-log.js';
import { createDynamoStores } from '../adapters/aws/dynamodb-stores.js';
import { SqsWorkQueue } from '../adapters/aws/sqs-work-queue.js';
import type { Clock } from '../core/ports/clock.js';
import type { LogFields, Logger } from '../core/ports/telemetry.js';
import type { PriceTable } from '../core/pricing.js';
import type { TierCatalog } from '../core/tier.js';
import type { OperatorBackend } from './operator-backend.js';

/** Where the AWS backend is and how to reach it. */
export interface DynamoBackendOptions {
  /** The deployment prefix: tables `<prefix>-tenants`, `-ledger`, queues `<prefix>-<tier>-...`. */
  readonly prefix: string;
  readonly region: string;
  /** An endpoint other than AWS's own, such as an emulator; the SDK's default otherwise. */
  readonly dynamodbEndpoint?: string;
  readonly sqsEndpoint?: string;
  /** Explicit keys; the SDK's default credential chain otherwise. Never logged. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  readonly catalog: TierCatalog | undefined;
  readonly pricing: PriceTable | undefined;
  readonly clock: Clock;
  readonly progress: (message: string) => void;
  /** Items per Query or Scan page; DynamoDB's own 1 MB pages when not given. */
  readonly pageSize?: number;
}

/**
 * The AWS backend: the deployment's DynamoDB tables, and its SQS queues when the tiers are
 * known (each tier has a queue of its own). Listings page through DynamoDB; every page after
 * the first is reported as progress.
 */
export function openDynamoBackend(options: DynamoBackendOptions): OperatorBackend {
  const shared = {
    region: options.region,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
  const dynamodb = new DynamoDBClient({
    ...shared,
    ...(options.dynamodbEndpoint === undefined ? {} : { endpoint: options.dynamodbEndpoint }),
  });
  reportPages(dynamodb, options.progress);
  const sqs = new SQSClient({
    ...shared,
    ...(options.sqsEndpoint === undefined ? {} : { endpoint: options.sqsEndpoint }),
  });

  const stores = createDynamoStores({
    client: dynamodb,
    prefix: options.prefix,
    clock: options.clock,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  const queue =
    options.catalog === undefined
      ? undefined
      : new SqsWorkQueue({
          client: sqs,
          prefix: options.prefix,
          tiers: options.catalog.tiers.map((tier) => tier.name),
          logger: progressLogger(options.progress),
        });

  return {
    label: `the DynamoDB tables ${options.prefix}-* in ${options.region}`,
    tenants: stores.tenants,
    ledger: stores.ledger,
    decisions: createDynamoDecisionLog({
      client: dynamodb,
      prefix: options.prefix,
      clock: options.clock,
    }),
    queue,
    catalog: options.catalog,
    pricing: options.pricing,
    clock: options.clock,
    progress: options.progress,
    close: async () => {
      dynamodb.destroy();
      sqs.destroy();
    },
  };
}

/** Counts the pages of each Query and Scan, and reports each one that has more after it. */
function reportPages(client: DynamoDBClient, progress: (message: string) => void): void {
  const items = new Map<string, number>();

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as { Items?: unknown[]; LastEvaluatedKey?: unknown };
      const input = args.input as { TableName?: string; IndexName?: string };
      if (output.Items === undefined) return result;

      const what = [input.TableName, input.IndexName].filter(Boolean).join(' index ');
      const key = `${context.commandName} ${what}`;
      const seen = (items.get(key) ?? 0) + output.Items.length;
      if (output.LastEvaluatedKey === undefined) {
        items.delete(key);
      } else {
        items.set(key, seen);
        progress(`reading ${what}: ${seen} items so far`);
      }
      return result;
    },
    { step: 'initialize', name: 'ghrPageProgress' },
  );
}

/** The queue adapter's warnings, as progress lines. */
function progressLogger(progress: (message: string) => void): Logger {
  const line = (message: string, fields?: LogFields) =>
    progress(fields === undefined ? message : `${message} ${JSON.stringify(fields)}`);
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: line,
    error: line,
    child: () => logger,
  };
  return logger;
}
