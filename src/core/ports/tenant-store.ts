import type { Tenant, TenantStatus } from '../tenant.js';

/** Fields an operator or a lifecycle event may change on a tenant. */
export interface TenantPatch {
  readonly status?: TenantStatus;
  readonly tier?: string;
  readonly maxRunners?: number;
  readonly tierOverrides?: Readonly<Record<string, number>>;
  /** `null` clears the group back to GitHub's default. */
  readonly runnerGroup?: string | null;
  readonly accountLogin?: string;
  readonly updatedAt: string;
}

/** Where tenants live. Implementations: in-memory, SQLite, DynamoDB. */
export interface TenantStore {
  /**
   * The stored tenant. The stores read it fresh every time; a caching store in front of one
   * may answer from a copy a few seconds old unless `fresh` is asked for. A copy is only ever
   * used where the ledger checks it against the stored record (`SlotRequest.tenant`).
   */
  get(installationId: number, options?: { readonly fresh?: boolean }): Promise<Tenant | undefined>;

  /**
   * Stores `tenant` unless one with its installation id exists; returns whichever is stored.
   * Two racing provisioners therefore agree on one record.
   */
  createIfAbsent(tenant: Tenant): Promise<Tenant>;

  /** Stores `tenant` whole, replacing any record with its id (an installation made anew). */
  put(tenant: Tenant): Promise<void>;

  /** Applies `patch`; returns the new record, or undefined when there is no such tenant. */
  update(installationId: number, patch: TenantPatch): Promise<Tenant | undefined>;

  list(filter?: { readonly status?: TenantStatus }): Promise<Tenant[]>;
}
