import {
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

import { PlatformError } from '../../core/errors.js';
import type { TenantPatch, TenantStore } from '../../core/ports/tenant-store.js';
import type { Tenant, TenantStatus } from '../../core/tenant.js';
import { applyTenantPatch, checkTenant } from '../../core/tenant-patch.js';
import type { Item } from './dynamodb-attributes.js';
import { text } from './dynamodb-attributes.js';
import { DynamoConditionFailed } from './dynamodb-errors.js';
import { collectPages } from './dynamodb-pages.js';
import type { DynamoTable } from './dynamodb-table.js';
import {
  TENANT_ATTRIBUTES,
  itemToTenant,
  tenantKey,
  tenantToItem,
} from './dynamodb-tenant-item.js';

/** Patch fields that are set from the patched tenant when the patch names them. */
const PATCHABLE: readonly (keyof TenantPatch & keyof Tenant)[] = [
  'status',
  'tier',
  'maxRunners',
  'tierOverrides',
  'runnerGroup',
  'accountLogin',
  'updatedAt',
];

/**
 * Tenants in `<prefix>-tenants`, one item per installation, in the shape the seed's `aws
 * dynamodb` commands read and write. Every read is strongly consistent; an item an operator
 * broke by hand is refused with `invalid_input` naming the attribute, never guessed at.
 */
export class DynamoTenantStore implements TenantStore {
  /** `table` is `<prefix>-tenants`. */
  constructor(private readonly table: DynamoTable) {}

  async get(installationId: number): Promise<Tenant | undefined> {
    const output = await this.table.send(`reading tenant ${installationId}`, (client) =>
      client.send(
        new GetItemCommand({
          TableName: this.table.name,
          Key: tenantKey(installationId),
          ConsistentRead: true,
        }),
      ),
    );
    return output.Item && itemToTenant(output.Item, this.table.name);
  }

  async createIfAbsent(tenant: Tenant): Promise<Tenant> {
    checkTenant(tenant);

    const attempt = `creating tenant ${tenant.installationId}`;
    // A record deleted between the refused put and the read would leave nothing to return.
    for (let round = 0; round < 3; round += 1) {
      const created = await this.table
        .send(attempt, (client) =>
          client.send(
            new PutItemCommand({
              TableName: this.table.name,
              Item: tenantToItem(tenant),
              ConditionExpression: 'attribute_not_exists(installation_id)',
            }),
          ),
        )
        .then(
          () => true,
          (error: unknown) => {
            if (error instanceof DynamoConditionFailed) return false;
            throw error;
          },
        );
      if (created) return tenant;

      const stored = await this.get(tenant.installationId);
      if (stored !== undefined) return stored;
    }
    throw new PlatformError('conflict', `${attempt}: the record kept appearing and vanishing`, {
      retryable: true,
      details: { table: this.table.name, installation_id: tenant.installationId },
    });
  }

  async put(tenant: Tenant): Promise<void> {
    checkTenant(tenant);

    await this.table.send(`storing tenant ${tenant.installationId}`, (client) =>
      client.send(new PutItemCommand({ TableName: this.table.name, Item: tenantToItem(tenant) })),
    );
  }

  async update(installationId: number, patch: TenantPatch): Promise<Tenant | undefined> {
    const stored = await this.get(installationId);
    if (stored === undefined) return undefined;

    const next = applyTenantPatch(stored, patch);
    const output = await this.table
      .send(`updating tenant ${installationId}`, (client) =>
        client.send(
          new UpdateItemCommand({
            TableName: this.table.name,
            Key: tenantKey(installationId),
            ...patchExpression(patch, tenantToItem(next)),
            ConditionExpression: 'attribute_exists(installation_id)',
            ReturnValues: 'ALL_NEW',
          }),
        ),
      )
      .catch((error: unknown) => {
        if (error instanceof DynamoConditionFailed) return undefined;
        throw error;
      });
    return output?.Attributes && itemToTenant(output.Attributes, this.table.name);
  }

  async list(filter: { readonly status?: TenantStatus } = {}): Promise<Tenant[]> {
    const byStatus =
      filter.status === undefined
        ? {}
        : {
            FilterExpression: '#s = :status',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':status': text(filter.status) },
          };

    // Tenants are few (one per installation), so a Scan costs little and needs no index.
    const items = await collectPages((startKey) =>
      this.table.send('listing tenants', (client) =>
        client.send(
          new ScanCommand({
            TableName: this.table.name,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
            Limit: this.table.pageSize,
            ...byStatus,
          }),
        ),
      ),
    );
    return items
      .map((item) => itemToTenant(item, this.table.name))
      .sort((a, b) => a.installationId - b.installationId);
  }
}

/**
 * Sets only the attributes the patch names, so a concurrent edit of another attribute (an
 * operator's `update-item`, say) survives, and removes `runner_group` on `null`.
 */
function patchExpression(
  patch: TenantPatch,
  patched: Item,
): Pick<
  UpdateItemCommand['input'],
  'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets: string[] = [];
  const removes: string[] = [];

  PATCHABLE.forEach((field, index) => {
    if (patch[field] === undefined) return;

    const attribute = TENANT_ATTRIBUTES[field];
    names[`#a${index}`] = attribute;
    const value = patched[attribute];
    if (value === undefined) {
      removes.push(`#a${index}`);
      return;
    }
    values[`:v${index}`] = value;
    sets.push(`#a${index} = :v${index}`);
  });

  const clauses = [
    sets.length > 0 ? `SET ${sets.join(', ')}` : '',
    removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
  ];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
  };
}
