/** One step of the schema. Versions start at 1, run in order, and are never edited once shipped. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The schema of the embedded database, in order; `openDatabase` applies what a file lacks. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tenants, ledger, deliveries and work queue',
    sql: `
      CREATE TABLE tenants (
        installation_id INTEGER PRIMARY KEY,
        account_login TEXT NOT NULL,
        account_type TEXT NOT NULL CHECK (account_type IN ('Organization', 'User')),
        status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'deleted')),
        tier TEXT NOT NULL,
        max_runners INTEGER NOT NULL CHECK (max_runners >= 0),
        tier_overrides TEXT NOT NULL DEFAULT '{}',
        runner_group TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX tenants_by_status ON tenants (status, installation_id);

      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        installation_id INTEGER NOT NULL,
        tier TEXT NOT NULL,
        repository TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        labels TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('waiting', 'queued', 'in_progress', 'completed')),
        runner_name TEXT,
        conclusion TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        started_at TEXT,
        completed_at TEXT
      ) STRICT;
      -- takeSlot counts queued jobs of one tenant and tier, optionally of one repository.
      CREATE INDEX jobs_by_scope ON jobs (installation_id, tier, status, repository);

      CREATE TABLE runners (
        name TEXT PRIMARY KEY,
        installation_id INTEGER NOT NULL,
        tier TEXT NOT NULL,
        tenant_tier TEXT NOT NULL,
        repository TEXT,
        state TEXT NOT NULL CHECK (state IN ('launching', 'idle', 'busy', 'done')),
        github_runner_id INTEGER,
        compute_id TEXT,
        machine TEXT,
        job_id INTEGER,
        launched_at TEXT NOT NULL,
        registered_at TEXT,
        started_at TEXT,
        done_at TEXT,
        done_reason TEXT
      ) STRICT;
      -- takeSlot counts pending runners of a scope, and slots held per tenant and per tier.
      CREATE INDEX runners_by_scope ON runners (installation_id, tier, state, repository);
      CREATE INDEX runners_holding_slots ON runners (installation_id, tier) WHERE state <> 'done';

      CREATE TABLE deliveries (
        delivery_id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        received_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE work_items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        work_key TEXT NOT NULL,
        item TEXT NOT NULL,
        visible_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_id TEXT,
        leased_until INTEGER,
        last_error TEXT,
        dead INTEGER NOT NULL DEFAULT 0 CHECK (dead IN (0, 1))
      ) STRICT;
      CREATE INDEX work_items_by_visibility ON work_items (dead, visible_at, id);
      CREATE INDEX work_items_waiting_by_key ON work_items (work_key)
        WHERE dead = 0 AND lease_id IS NULL;
      CREATE UNIQUE INDEX work_items_by_lease ON work_items (lease_id) WHERE lease_id IS NOT NULL;
    `,
  },
  {
    version: 2,
    name: 'decision log',
    sql: `
      CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        installation_id INTEGER NOT NULL,
        tier TEXT,
        reason TEXT NOT NULL,
        launched INTEGER NOT NULL CHECK (launched >= 0),
        job_id INTEGER,
        detail TEXT,
        at TEXT NOT NULL,
        last_at TEXT NOT NULL,
        repeats INTEGER NOT NULL DEFAULT 1 CHECK (repeats >= 1)
      ) STRICT;
      -- The newest decisions of one tenant, and the cut-off for its retention.
      CREATE INDEX decisions_by_tenant ON decisions (installation_id, id);
    `,
  },
];
