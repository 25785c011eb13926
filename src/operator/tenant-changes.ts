import { queuedTiers } from '../core/demand.js';
import { PlatformError } from '../core/errors.js';
import type { TenantPatch } from '../core/ports/tenant-store.js';
import type { Tenant, TenantStatus } from '../core/tenant.js';
import { findTier } from '../core/tier.js';
import type { OperatorContext } from './operator-context.js';
import { knownTiers, nowIso, requireTenant } from './operator-context.js';
import type { RawInput } from './operator-input.js';
import type { TenantView } from './operator-views.js';
import { tenantView } from './operator-views.js';

/** What an operator change did. */
export interface TenantChangeView {
  readonly tenant: TenantView;
  /** Each field that changed, as `field: before -> after`; empty when nothing did. */
  readonly changes: readonly string[];
  /** Tiers with waiting jobs whose reconcile was asked for, so they run at once. */
  readonly reconciles_requested: readonly string[];
  /** Why reconciles could not be asked for, if so: the next sweep then serves the jobs. */
  readonly reconcile_error: string | null;
}

/** The seed's "upgrade tenant tier": the plan tier, and the limit that goes with it. */
export async function setTier(
  context: OperatorContext,
  request: {
    readonly installationId: RawInput;
    readonly tier: RawInput;
    readonly maxRunners?: RawInput;
  },
): Promise<TenantChangeView> {
  const { input } = context;
  const installationId = input.id('installationId', request.installationId) as number;
  const tierName = input.tier('tier', request.tier, knownTiers(context, 'tier', request.tier));
  const explicit =
    request.maxRunners === undefined ? undefined : input.limit('maxRunners', request.maxRunners);
  const tier = context.backend.catalog && findTier(context.backend.catalog, tierName as string);

  return change(context, installationId, {
    tier: tierName,
    maxRunners: explicit ?? tier?.maxRunners,
  });
}

/** The tenant's limit across tiers, or with `tier` the tenant's cap in that tier. */
export async function setLimit(
  context: OperatorContext,
  request: {
    readonly installationId: RawInput;
    readonly limit: RawInput;
    readonly tier?: RawInput;
  },
): Promise<TenantChangeView> {
  const { input } = context;
  const installationId = input.id('installationId', request.installationId) as number;
  const limit = input.limit('limit', request.limit);
  const tier =
    request.tier === undefined
      ? undefined
      : input.tier('tier', request.tier, knownTiers(context, 'tier', request.tier));

  if (tier === undefined) return change(context, installationId, { maxRunners: limit });

  const known = await requireTenant(context, installationId);
  return change(context, installationId, {
    tierOverrides: { ...known.tierOverrides, [tier]: limit },
  });
}

export async function setStatus(
  context: OperatorContext,
  request: { readonly installationId: RawInput },
  status: Exclude<TenantStatus, 'deleted'>,
): Promise<TenantChangeView> {
  const installationId = context.input.id('installationId', request.installationId) as number;
  return change(context, installationId, { status });
}

type Fields = Omit<TenantPatch, 'updatedAt'>;

/** Applies the fields that differ, then asks for reconciles if waiting jobs may now run. */
async function change(
  context: OperatorContext,
  installationId: number,
  fields: Fields,
): Promise<TenantChangeView> {
  const known = await requireTenant(context, installationId);
  refuseDeleted(known);

  const changes = describeChanges(known, fields);
  if (changes.length === 0) {
    return { tenant: tenantView(known), changes, reconciles_requested: [], reconcile_error: null };
  }

  const updated = await context.backend.tenants.update(installationId, {
    ...fields,
    updatedAt: nowIso(context),
  });
  // The record existed a moment ago; only an uninstall in between makes it vanish.
  if (updated === undefined) await requireTenant(context, installationId);
  const tenant = updated ?? known;

  const reconciles = tenant.status === 'active' ? await askForReconciles(context, tenant) : none;
  return { tenant: tenantView(tenant), changes, ...reconciles };
}

const none = { reconciles_requested: [], reconcile_error: null } as const;

function refuseDeleted(tenant: Tenant): void {
  if (tenant.status !== 'deleted') return;

  throw new PlatformError(
    'invalid_input',
    `tenant ${tenant.installationId} (${tenant.accountLogin}) is deleted: its App installation ` +
      `is gone, and the record is kept unchanged for billing`,
    { details: { installation_id: tenant.installationId, status: tenant.status } },
  );
}

function describeChanges(tenant: Tenant, fields: Fields): string[] {
  const changes: string[] = [];
  const note = (name: string, before: unknown, after: unknown) => {
    if (after !== undefined && JSON.stringify(before) !== JSON.stringify(after)) {
      changes.push(`${name}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    }
  };

  note('status', tenant.status, fields.status);
  note('tier', tenant.tier, fields.tier);
  note('max_runners', tenant.maxRunners, fields.maxRunners);
  for (const [tier, cap] of Object.entries(fields.tierOverrides ?? {})) {
    note(`tier_overrides.${tier}`, tenant.tierOverrides[tier] ?? null, cap);
  }
  return changes;
}

/**
 * A higher limit or a resumed tenant lets waiting jobs run; the control plane would find them
 * at its next sweep, but asking now starts them at once. The change itself is already made,
 * so a queue failure is reported, not thrown.
 */
async function askForReconciles(
  context: OperatorContext,
  tenant: Tenant,
): Promise<Pick<TenantChangeView, 'reconciles_requested' | 'reconcile_error'>> {
  const { queue, ledger } = context.backend;
  const tiers = await queuedTiers(ledger, tenant.installationId);
  if (queue === undefined || tiers.length === 0) return none;

  try {
    for (const tier of tiers) {
      await queue.enqueue({ kind: 'reconcile', installationId: tenant.installationId, tier });
    }
    return { reconciles_requested: tiers, reconcile_error: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { reconciles_requested: [], reconcile_error: reason };
  }
}
