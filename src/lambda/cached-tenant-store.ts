import type { Clock } from '../core/ports/clock.js';
import type { TenantPatch, TenantStore } from '../core/ports/tenant-store.js';
import type { Tenant, TenantStatus } from '../core/tenant.js';

/** How long a warm function trusts a tenant it read, unless the ledger says it changed. */
export const TENANT_CACHE_TTL_MS = 30_000;

/**
 * Keeps the tenants a warm function has read for a short while, so a tenant's second job in a
 * row costs no read. Safe because every slot take carries the tenant it was decided on and the
 * DynamoDB ledger checks it against the item in the same transaction (`SlotRequest.tenant`):
 * a stale copy is refused with `tenant_changed`, and the core reads it again with `fresh`.
 * Only found tenants are kept: an installation made a moment ago must be seen at once. Every
 * write through this store drops the copy.
 */
export class CachedTenantStore implements TenantStore {
  private readonly copies = new Map<number, { readonly tenant: Tenant; readonly until: number }>();

  constructor(
    private readonly store: TenantStore,
    private readonly clock: Clock,
    private readonly ttlMs = TENANT_CACHE_TTL_MS,
  ) {}

  async get(
    installationId: number,
    options: { readonly fresh?: boolean } = {},
  ): Promise<Tenant | undefined> {
    const copy = this.copies.get(installationId);
    if (options.fresh !== true && copy !== undefined && copy.until > this.clock.now()) {
      return copy.tenant;
    }

    const tenant = await this.store.get(installationId);
    if (tenant === undefined) this.copies.delete(installationId);
    else this.copies.set(installationId, { tenant, until: this.clock.now() + this.ttlMs });
    return tenant;
  }

  async createIfAbsent(tenant: Tenant): Promise<Tenant> {
    this.copies.delete(tenant.installationId);
    return this.store.createIfAbsent(tenant);
  }

  async put(tenant: Tenant): Promise<void> {
    this.copies.delete(tenant.installationId);
    await this.store.put(tenant);
  }

  async update(installationId: number, patch: TenantPatch): Promise<Tenant | undefined> {
    this.copies.delete(installationId);
    return this.store.update(installationId, patch);
  }

  list(filter?: { readonly status?: TenantStatus }): Promise<Tenant[]> {
    return this.store.list(filter);
  }
}
