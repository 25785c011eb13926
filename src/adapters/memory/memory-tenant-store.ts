import type { TenantPatch, TenantStore } from '../../core/ports/tenant-store.js';
import type { Tenant, TenantStatus } from '../../core/tenant.js';
import { applyTenantPatch, checkTenant } from '../../core/tenant-patch.js';

/** Tenants in a map. Each method runs without an `await`, so racing calls see one order. */
export class MemoryTenantStore implements TenantStore {
  private readonly tenants = new Map<number, Tenant>();

  async get(installationId: number): Promise<Tenant | undefined> {
    return this.tenants.get(installationId);
  }

  async createIfAbsent(tenant: Tenant): Promise<Tenant> {
    checkTenant(tenant);

    const stored = this.tenants.get(tenant.installationId);
    if (stored !== undefined) return stored;

    return this.store(tenant);
  }

  async put(tenant: Tenant): Promise<void> {
    checkTenant(tenant);

    this.store(tenant);
  }

  async update(installationId: number, patch: TenantPatch): Promise<Tenant | undefined> {
    const stored = this.tenants.get(installationId);
    if (stored === undefined) return undefined;

    return this.store(applyTenantPatch(stored, patch));
  }

  async list(filter: { readonly status?: TenantStatus } = {}): Promise<Tenant[]> {
    return [...this.tenants.values()]
      .filter((tenant) => filter.status === undefined || tenant.status === filter.status)
      .sort((a, b) => a.installationId - b.installationId);
  }

  /** Keeps a frozen copy, so a caller changing its object cannot change the stored one. */
  private store(tenant: Tenant): Tenant {
    const copy = Object.freeze({
      ...tenant,
      tierOverrides: Object.freeze({ ...tenant.tierOverrides }),
    });
    this.tenants.set(copy.installationId, copy);
    return copy;
  }
}
