import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

import type { DynamoRetryPolicy } from './dynamodb-retry.js';
import { DEFAULT_DYNAMO_RETRY, withDynamoRetry } from './dynamodb-retry.js';

/** Settings every store shares: the client, how it retries, and how big a page it reads. */
export interface DynamoTableSettings {
  readonly client: DynamoDBClient;
  readonly retry?: DynamoRetryPolicy;
  /** Items per Query or Scan page; unset, DynamoDB's own 1 MB page. */
  readonly pageSize?: number;
}

/** One table as a store uses it: each request retried on throttling, errors translated. */
export class DynamoTable {
  readonly client: DynamoDBClient;
  readonly name: string;
  readonly pageSize: number | undefined;
  private readonly retry: DynamoRetryPolicy;

  constructor(settings: DynamoTableSettings, name: string) {
    this.client = settings.client;
    this.name = name;
    this.pageSize = settings.pageSize;
    this.retry = settings.retry ?? DEFAULT_DYNAMO_RETRY;
  }

  /** Runs `request` against this table; `attempt` says what for, in error messages. */
  send<T>(attempt: string, request: (client: DynamoDBClient) => Promise<T>): Promise<T> {
    return withDynamoRetry({ attempt, table: this.name }, () => request(this.client), this.retry);
  }
}
