import type { Tier, TierCatalog } from './tier.js';
import { findTier } from './tier.js';

export type AccountType = 'Organization' | 'User';
export type TenantStatus = 'active' | 'suspended' | 'deleted';

/**
 * One App installation. A tenant is only ever identified by the installation id of a signed
 * delivery, and is kept after deletion so its usage history stays billable.
 */
export interface Tenant {
  readonly installationId: number;
  readonly accountLogin: string;
  readonly accountType: AccountType;
  readonly status: TenantStatus;
  /** The plan tier: one of the tier names. It sets the default `maxRunners`. */
  readonly tier: string;
  /** Most runners this tenant may hold at once, across all tiers. */
  readonly maxRunners: number;
  /** Per-tier caps for this tenant that replace the tier's own `maxRunners`. */
  readonly tierOverrides: Readonly<Record<string, number>>;
  /** Runner group name; undefined means the group GitHub marks `default: true`. */
  readonly runnerGroup: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewTenant {
  readonly installationId: number;
  readonly accountLogin: string;
  readonly accountType: AccountType;
}

/** A tenant as the App's installation creates it: active, on the default plan tier. */
export function newTenant(input: NewTenant, catalog: TierCatalog, now: string): Tenant {
  const plan = findTier(catalog, catalog.defaultTier);
  return {
    ...input,
    status: 'active',
    tier: catalog.defaultTier,
    maxRunners: plan?.maxRunners ?? 1,
    tierOverrides: {},
    runnerGroup: undefined,
    createdAt: now,
    updatedAt: now,
  };
}

export interface SlotLimits {
  /** The tenant's limit across tiers. */
  readonly tenantMax: number;
  /** The limit of this tier for this tenant. */
  readonly tierMax: number;
}

export function slotLimits(tenant: Tenant, tier: Tier): SlotLimits {
  return {
    tenantMax: tenant.maxRunners,
    tierMax: tenant.tierOverrides[tier.name] ?? tier.maxRunners,
  };
}

/**
 * True when both records would launch alike in `tier`: status, plan tier, limits, runner group
 * and account. What a slot take checks a cached tenant against.
 */
export function sameLaunchTerms(a: Tenant, b: Tenant, tier: string): boolean {
  return (
    a.status === b.status &&
    a.tier === b.tier &&
    a.maxRunners === b.maxRunners &&
    a.tierOverrides[tier] === b.tierOverrides[tier] &&
    a.runnerGroup === b.runnerGroup &&
    a.accountLogin === b.accountLogin &&
    a.accountType === b.accountType
  );
}

export function isAccountType(value: unknown): value is AccountType {
  return value === 'Organization' || value === 'User';
}
