import type { Problem } from './errors.js';
import type { Rule } from './input-rules.js';
import {
  checkFields,
  isoTimeText,
  nonEmptyText,
  oneOf,
  optional,
  refuseProblems,
  wholeNumberAtLeast,
} from './input-rules.js';
import type { TenantPatch } from './ports/tenant-store.js';
import type { Tenant } from './tenant.js';

const TENANT_STATUSES = ['active', 'suspended', 'deleted'];
const ACCOUNT_TYPES = ['Organization', 'User'];

/** A cap of 0 is allowed: it pauses a tenant (or one of its tiers) without suspending it. */
const slotCap = wholeNumberAtLeast(0);

const tierCaps: Rule = (key, value) => {
  const isRecord = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isRecord) return { key, value, message: 'must be an object of tier name to cap' };

  const bad = Object.entries(value).find(([, cap]) => slotCap(key, cap) !== undefined);
  if (bad === undefined) return undefined;
  return {
    key: `${key}.${bad[0]}`,
    value: bad[1],
    message: 'must be a whole number of at least 0',
  };
};

const groupName: Rule = (key, value) => (value === null ? undefined : nonEmptyText(key, value));

const TENANT_RULES: Readonly<Record<keyof Tenant, Rule>> = {
  installationId: wholeNumberAtLeast(1),
  accountLogin: nonEmptyText,
  accountType: oneOf(ACCOUNT_TYPES),
  status: oneOf(TENANT_STATUSES),
  tier: nonEmptyText,
  maxRunners: slotCap,
  tierOverrides: tierCaps,
  runnerGroup: optional(nonEmptyText),
  createdAt: isoTimeText,
  updatedAt: isoTimeText,
};

const PATCH_RULES: Readonly<Record<keyof TenantPatch, Rule>> = {
  status: optional(oneOf(TENANT_STATUSES)),
  tier: optional(nonEmptyText),
  maxRunners: optional(slotCap),
  tierOverrides: optional(tierCaps),
  runnerGroup: optional(groupName),
  accountLogin: optional(nonEmptyText),
  updatedAt: isoTimeText,
};

/** Throws `invalid_input` naming each bad field, so a store never writes a broken tenant. */
export function checkTenant(tenant: Tenant): void {
  refuseProblems(`storing tenant ${String(tenant.installationId)}`, tenantProblems(tenant));
}

/** Every field of `tenant` that breaks a tenant rule, for stores that read records back. */
export function tenantProblems(tenant: Tenant): Problem[] {
  return checkFields(tenant, TENANT_RULES);
}

/**
 * Checks the patch, then returns the tenant with it applied. `runnerGroup: null` clears the
 * group; any other field left undefined keeps its value.
 */
export function applyTenantPatch(tenant: Tenant, patch: TenantPatch): Tenant {
  refuseProblems(`updating tenant ${tenant.installationId}`, checkFields(patch, PATCH_RULES));

  return {
    ...tenant,
    status: patch.status ?? tenant.status,
    tier: patch.tier ?? tenant.tier,
    maxRunners: patch.maxRunners ?? tenant.maxRunners,
    tierOverrides: patch.tierOverrides ? { ...patch.tierOverrides } : tenant.tierOverrides,
    runnerGroup: patch.runnerGroup === null ? undefined : (patch.runnerGroup ?? tenant.runnerGroup),
    accountLogin: patch.accountLogin ?? tenant.accountLogin,
    updatedAt: patch.updatedAt,
  };
}
