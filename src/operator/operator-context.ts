import { PlatformError } from '../core/errors.js';
import type { Tenant } from '../core/tenant.js';
import type { OperatorBackend } from './operator-backend.js';
import type { InputReader, OperatorField, RawInput } from './operator-input.js';

/** What every operation of the operator service works with. */
export interface OperatorContext {
  readonly backend: OperatorBackend;
  readonly input: InputReader;
}

/** The tier names an input may name: the configured ones, or refusal when none are known. */
export function knownTiers(
  context: OperatorContext,
  field: OperatorField,
  raw: RawInput,
): string[] {
  const catalog = context.backend.catalog;
  if (catalog === undefined) {
    throw context.input.refuse(
      field,
      raw,
      'cannot be checked: no tiers are known; give the configuration file (--config), or GHR_TIERS with --aws',
    );
  }
  return catalog.tiers.map((tier) => tier.name);
}

/** A tier filter: checked against the configured tiers when they are known. */
export function tierFilter(
  context: OperatorContext,
  field: OperatorField,
  raw: RawInput,
): string | undefined {
  if (raw === undefined) return undefined;

  const catalog = context.backend.catalog;
  if (catalog !== undefined)
    return context.input.tier(
      field,
      raw,
      catalog.tiers.map((t) => t.name),
    );
  if (typeof raw === 'string' && raw.trim() !== '') return raw;
  throw context.input.refuse(field, raw, 'must be a tier name');
}

/** The tenant, or a `not_found` refusal naming the id. */
export async function requireTenant(
  context: OperatorContext,
  installationId: number,
): Promise<Tenant> {
  const tenant = await context.backend.tenants.get(installationId);
  if (tenant !== undefined) return tenant;

  throw new PlatformError(
    'not_found',
    `no tenant has installation id ${installationId} in ${context.backend.label}`,
    { details: { installation_id: installationId } },
  );
}

/** A tenant id filter: the id must be one of a known tenant. */
export async function tenantFilter(
  context: OperatorContext,
  field: OperatorField,
  raw: RawInput,
): Promise<number | undefined> {
  const id = context.input.id(field, raw, true);
  if (id === undefined) return undefined;

  await requireTenant(context, id);
  return id;
}

export function nowIso(context: OperatorContext): string {
  return new Date(context.backend.clock.now()).toISOString();
}
