import { PlatformError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import type { DeliveryLog } from '../../core/ports/delivery-log.js';
import type { Ledger } from '../../core/ports/ledger.js';
import type { TenantStore } from '../../core/ports/tenant-store.js';
import { DynamoDeliveryLog } from './dynamodb-delivery-log.js';
import { DynamoLedger } from './dynamodb-ledger.js';
import type { DynamoTableSettings } from './dynamodb-table.js';
import { DynamoTable } from './dynamodb-table.js';
import { tableNames } from './dynamodb-tables.js';
import { DynamoTenantStore } from './dynamodb-tenant-store.js';

export interface DynamoStoresOptions extends DynamoTableSettings {
  /** Deployment prefix: the tables are `<prefix>-tenants`, `-ledger` and `-deliveries`. */
  readonly prefix: string;
  readonly clock: Clock;
  /** Days a completed job or done runner is kept before TTL removes it; default 30. */
  readonly ledgerRetentionDays?: number;
  /** Days a delivery id is remembered; default 7 (GitHub redelivers for at most 3). */
  readonly deliveryRetentionDays?: number;
}

export interface DynamoStores {
  readonly tenants: TenantStore;
  readonly ledger: Ledger;
  readonly deliveries: DeliveryLog;
}

/** The AWS backend's stores on DynamoDB. The client decides the endpoint and credentials. */
export function createDynamoStores(options: DynamoStoresOptions): DynamoStores {
  const names = tableNames(options.prefix);
  const ledgerDays = retentionDays('ledgerRetentionDays', options.ledgerRetentionDays ?? 30);
  const deliveryDays = retentionDays('deliveryRetentionDays', options.deliveryRetentionDays ?? 7);

  return {
    tenants: new DynamoTenantStore(new DynamoTable(options, names.tenants)),
    ledger: new DynamoLedger({
      table: new DynamoTable(options, names.ledger),
      clock: options.clock,
      retentionDays: ledgerDays,
      tenantsTable: names.tenants,
    }),
    deliveries: new DynamoDeliveryLog({
      table: new DynamoTable(options, names.deliveries),
      clock: options.clock,
      retentionDays: deliveryDays,
    }),
  };
}

function retentionDays(key: string, days: number): number {
  if (Number.isFinite(days) && days > 0) return days;

  throw new PlatformError(
    'invalid_config',
    `creating the DynamoDB stores: ${key} must be a number of days above 0, got ${days}`,
    { details: { [key]: days } },
  );
}
