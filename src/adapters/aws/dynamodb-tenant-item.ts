import type { AccountType, Tenant, TenantStatus } from '../../core/tenant.js';
import { tenantProblems } from '../../core/tenant-patch.js';
import type { Item } from './dynamodb-attributes.js';
import {
  ItemReader,
  compactItem,
  number,
  numberMap,
  optionalText,
  refuseStoredItem,
  text,
} from './dynamodb-attributes.js';

/**
 * The attribute that holds each tenant field. The seed's commands read and write `status`,
 * `tier`, `max_runners` and `updated_at` by these names, so they must never change.
 */
export const TENANT_ATTRIBUTES: Readonly<Record<keyof Tenant, string>> = {
  installationId: 'installation_id',
  accountLogin: 'account_login',
  accountType: 'account_type',
  status: 'status',
  tier: 'tier',
  maxRunners: 'max_runners',
  tierOverrides: 'tier_overrides',
  runnerGroup: 'runner_group',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/** The key of a tenant's item. */
export function tenantKey(installationId: number): Item {
  return { installation_id: number(installationId) };
}

/** A tenant as its item; `runner_group` is absent when the tenant uses the default group. */
export function tenantToItem(tenant: Tenant): Item {
  return compactItem({
    installation_id: number(tenant.installationId),
    account_login: text(tenant.accountLogin),
    account_type: text(tenant.accountType),
    status: text(tenant.status),
    tier: text(tenant.tier),
    max_runners: number(tenant.maxRunners),
    tier_overrides: numberMap(tenant.tierOverrides),
    runner_group: optionalText(tenant.runnerGroup),
    created_at: text(tenant.createdAt),
    updated_at: text(tenant.updatedAt),
  });
}

/**
 * Reads a tenant item back, checking each attribute's type and then the tenant rules, since
 * operators edit this table by hand. An absent `tier_overrides` reads as none.
 */
export function itemToTenant(item: Item, table: string): Tenant {
  const reader = new ItemReader(item);
  const tenant: Tenant = {
    installationId: reader.number('installation_id'),
    accountLogin: reader.text('account_login'),
    accountType: reader.text('account_type') as AccountType,
    status: reader.text('status') as TenantStatus,
    tier: reader.text('tier'),
    maxRunners: reader.number('max_runners'),
    tierOverrides: reader.numberMap('tier_overrides'),
    runnerGroup: reader.optionalText('runner_group'),
    createdAt: reader.text('created_at'),
    updatedAt: reader.text('updated_at'),
  };

  const typed = new Set(reader.problems.map((problem) => problem.key.split('.')[0]));
  const ruleProblems = tenantProblems(tenant)
    .map((problem) => ({ ...problem, key: attributePath(problem.key) }))
    .filter((problem) => !typed.has(problem.key.split('.')[0]));

  const shownId = item['installation_id']?.N ?? JSON.stringify(item['installation_id']);
  refuseStoredItem(
    `reading tenant ${shownId} from table ${table}`,
    [...reader.problems, ...ruleProblems],
    { table, installation_id: shownId },
  );
  return tenant;
}

/** `tierOverrides.large` → `tier_overrides.large`: problems name what the operator sees. */
function attributePath(fieldPath: string): string {
  const [field = '', ...rest] = fieldPath.split('.');
  const attribute = TENANT_ATTRIBUTES[field as keyof Tenant] ?? field;
  return [attribute, ...rest].join('.');
}
