import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';

import type { Clock } from '../../core/ports/clock.js';
import type { DeliveryLog } from '../../core/ports/delivery-log.js';
import { number, text } from './dynamodb-attributes.js';
import { DynamoConditionFailed } from './dynamodb-errors.js';
import type { DynamoTable } from './dynamodb-table.js';
import { TTL_ATTRIBUTE } from './dynamodb-tables.js';

export interface DynamoDeliveryLogOptions {
  /** `<prefix>-deliveries`. */
  readonly table: DynamoTable;
  readonly clock: Clock;
  /**
   * How long a delivery id is remembered. GitHub redelivers for at most 3 days, so anything
   * longer only costs storage; TTL removes the item after this.
   */
  readonly retentionDays: number;
}

/** Handled deliveries in `<prefix>-deliveries`; a conditional put makes `record` race-safe. */
export class DynamoDeliveryLog implements DeliveryLog {
  private readonly table: DynamoTable;
  private readonly clock: Clock;
  private readonly retentionSeconds: number;

  constructor(options: DynamoDeliveryLogOptions) {
    this.table = options.table;
    this.clock = options.clock;
    this.retentionSeconds = Math.round(options.retentionDays * 86_400);
  }

  async has(deliveryId: string): Promise<boolean> {
    const output = await this.table.send(`looking up delivery ${deliveryId}`, (client) =>
      client.send(
        new GetItemCommand({
          TableName: this.table.name,
          Key: { delivery_id: text(deliveryId) },
          ConsistentRead: true,
          ProjectionExpression: 'delivery_id',
        }),
      ),
    );
    return output.Item !== undefined;
  }

  async record(deliveryId: string, event: string, at: string): Promise<boolean> {
    const expiresAt = Math.floor(this.clock.now() / 1000) + this.retentionSeconds;

    try {
      await this.table.send(`recording delivery ${deliveryId}`, (client) =>
        client.send(
          new PutItemCommand({
            TableName: this.table.name,
            Item: {
              delivery_id: text(deliveryId),
              event: text(event),
              received_at: text(at),
              [TTL_ATTRIBUTE]: number(expiresAt),
            },
            ConditionExpression: 'attribute_not_exists(delivery_id)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof DynamoConditionFailed) return false;
      throw error;
    }
  }
}
