import type Database from 'better-sqlite3';

import { PlatformError } from '../../core/errors.js';
import type { TenantPatch, TenantStore } from '../../core/ports/tenant-store.js';
import type { AccountType, Tenant, TenantStatus } from '../../core/tenant.js';
import { applyTenantPatch, checkTenant } from '../../core/tenant-patch.js';
import { immediate, statement } from './sqlite-transaction.js';

interface TenantRow {
  installation_id: number;
  account_login: string;
  account_type: string;
  status: string;
  tier: string;
  max_runners: number;
  tier_overrides: string;
  runner_group: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  'installation_id, account_login, account_type, status, tier, max_runners, tier_overrides, ' +
  'runner_group, created_at, updated_at';
const VALUES =
  '@installation_id, @account_login, @account_type, @status, @tier, @max_runners, ' +
  '@tier_overrides, @runner_group, @created_at, @updated_at';

/** Tenants in the `tenants` table, one row per installation. */
export class SqliteTenantStore implements TenantStore {
  private readonly selectOne: Database.Statement<[number], TenantRow>;
  private readonly insertNew: Database.Statement<[TenantRow]>;
  private readonly replace: Database.Statement<[TenantRow]>;

  constructor(private readonly db: Database.Database) {
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM tenants WHERE installation_id = ?`);
    this.insertNew = db.prepare(
      `INSERT INTO tenants (${COLUMNS}) VALUES (${VALUES}) ON CONFLICT (installation_id) DO NOTHING`,
    );
    this.replace = db.prepare(`INSERT OR REPLACE INTO tenants (${COLUMNS}) VALUES (${VALUES})`);
  }

  async get(installationId: number): Promise<Tenant | undefined> {
    const row = statement(`reading tenant ${installationId}`, () =>
      this.selectOne.get(installationId),
    );
    return row && toTenant(row);
  }

  async createIfAbsent(tenant: Tenant): Promise<Tenant> {
    checkTenant(tenant);

    return immediate(this.db, `creating tenant ${tenant.installationId}`, () => {
      this.insertNew.run(toRow(tenant));
      return toTenant(this.selectOne.get(tenant.installationId) as TenantRow);
    });
  }

  async put(tenant: Tenant): Promise<void> {
    checkTenant(tenant);

    statement(`storing tenant ${tenant.installationId}`, () => this.replace.run(toRow(tenant)));
  }

  async update(installationId: number, patch: TenantPatch): Promise<Tenant | undefined> {
    return immediate(this.db, `updating tenant ${installationId}`, () => {
      const row = this.selectOne.get(installationId);
      if (row === undefined) return undefined;

      const next = applyTenantPatch(toTenant(row), patch);
      this.replace.run(toRow(next));
      return next;
    });
  }

  async list(filter: { readonly status?: TenantStatus } = {}): Promise<Tenant[]> {
    const rows = statement('listing tenants', () =>
      filter.status === undefined
        ? this.db
            .prepare<[], TenantRow>(`SELECT ${COLUMNS} FROM tenants ORDER BY installation_id`)
            .all()
        : this.db
            .prepare<[string], TenantRow>(
              `SELECT ${COLUMNS} FROM tenants WHERE status = ? ORDER BY installation_id`,
            )
            .all(filter.status),
    );
    return rows.map(toTenant);
  }
}

function toRow(tenant: Tenant): TenantRow {
  return {
    installation_id: tenant.installationId,
    account_login: tenant.accountLogin,
    account_type: tenant.accountType,
    status: tenant.status,
    tier: tenant.tier,
    max_runners: tenant.maxRunners,
    tier_overrides: JSON.stringify(tenant.tierOverrides),
    runner_group: tenant.runnerGroup ?? null,
    created_at: tenant.createdAt,
    updated_at: tenant.updatedAt,
  };
}

function toTenant(row: TenantRow): Tenant {
  return {
    installationId: row.installation_id,
    accountLogin: row.account_login,
    accountType: row.account_type as AccountType,
    status: row.status as TenantStatus,
    tier: row.tier,
    maxRunners: row.max_runners,
    tierOverrides: parseOverrides(row),
    runnerGroup: row.runner_group ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function parseOverrides(row: TenantRow): Readonly<Record<string, number>> {
  try {
    return JSON.parse(row.tier_overrides) as Record<string, number>;
  } catch (error) {
    throw new PlatformError(
      'unavailable',
      `reading tenant ${row.installation_id}: tier_overrides is not JSON`,
      { cause: error, retryable: false, details: { installation_id: row.installation_id } },
    );
  }
}
