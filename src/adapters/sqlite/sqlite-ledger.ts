import type Database from 'better-sqlite3';

import type { Job, JobObservation } from '../../core/job.js';
import { applyJobObservation } from '../../core/job.js';
import {
  checkJobObservation,
  checkRunnerPatch,
  checkSlotRequest,
} from '../../core/ledger-input.js';
import type {
  JobFilter,
  Ledger,
  ObserveOptions,
  Observed,
  RunnerFilter,
  SlotDecision,
  SlotRequest,
} from '../../core/ports/ledger.js';
import type { Runner, RunnerPatch } from '../../core/runner.js';
import { applyRunnerPatch } from '../../core/runner.js';
import type { SlotCounts } from '../../core/slot.js';
import { launchingRunner, runnerNameTaken, slotRefusal } from '../../core/slot.js';
import type { JobRow, RunnerRow } from './ledger-rows.js';
import {
  JOB_COLUMNS,
  RUNNER_COLUMNS,
  jobToRow,
  placeholders,
  rowToJob,
  rowToRunner,
  runnerToRow,
} from './ledger-rows.js';
import { immediate, statement } from './sqlite-transaction.js';

interface ScopeParams {
  installation_id: number;
  tier: string;
  repository: string | null;
}

/** A null repository means the whole tenant and tier: the org-level scope. */
const SLOT_COUNTS = `
  SELECT
    (SELECT count(*) FROM jobs
      WHERE installation_id = @installation_id AND tier = @tier AND status = 'queued'
        AND (@repository IS NULL OR repository = @repository)) AS queuedJobs,
    (SELECT count(*) FROM runners
      WHERE installation_id = @installation_id AND tier = @tier AND state IN ('launching', 'idle')
        AND (@repository IS NULL OR repository = @repository)) AS pendingRunners,
    (SELECT count(*) FROM runners
      WHERE installation_id = @installation_id AND state <> 'done') AS tenantRunners,
    (SELECT count(*) FROM runners
      WHERE installation_id = @installation_id AND tier = @tier AND state <> 'done') AS tierRunners
`;

/**
 * Jobs and runners in the `jobs` and `runners` tables. Every read-decide-write runs in one
 * IMMEDIATE transaction, so connections in other processes see the same order of events.
 */
export class SqliteLedger implements Ledger {
  private readonly selectJob: Database.Statement<[number], JobRow>;
  private readonly upsertJob: Database.Statement<[JobRow]>;
  private readonly selectRunner: Database.Statement<[string], RunnerRow>;
  private readonly insertRunner: Database.Statement<[RunnerRow]>;
  private readonly replaceRunner: Database.Statement<[RunnerRow]>;
  private readonly countSlots: Database.Statement<[ScopeParams], SlotCounts>;

  constructor(private readonly db: Database.Database) {
    this.selectJob = db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`);
    this.upsertJob = db.prepare(
      `INSERT OR REPLACE INTO jobs (${JOB_COLUMNS}) VALUES (${placeholders(JOB_COLUMNS)})`,
    );
    this.selectRunner = db.prepare(`SELECT ${RUNNER_COLUMNS} FROM runners WHERE name = ?`);
    this.insertRunner = db.prepare(
      `INSERT INTO runners (${RUNNER_COLUMNS}) VALUES (${placeholders(RUNNER_COLUMNS)})`,
    );
    this.replaceRunner = db.prepare(
      `INSERT OR REPLACE INTO runners (${RUNNER_COLUMNS}) VALUES (${placeholders(RUNNER_COLUMNS)})`,
    );
    this.countSlots = db.prepare(SLOT_COUNTS);
  }

  async observeJob(observation: JobObservation, options: ObserveOptions = {}): Promise<Observed> {
    checkJobObservation(observation);
    const slot = options.slot;
    if (slot !== undefined) checkSlotRequest(slot);

    return immediate(this.db, `recording job ${observation.id}`, (): Observed => {
      const row = this.selectJob.get(observation.id);
      const known = row && rowToJob(row);
      const job = applyJobObservation(known, observation);
      if (job === known) return { job, changed: false };

      this.upsertJob.run(jobToRow(job));
      if (slot === undefined || job.status !== 'queued') return { job, changed: true };
      // In the same transaction: a refused name rolls the job back with it.
      return { job, changed: true, slot: this.take(slot) };
    });
  }

  async getJob(id: number): Promise<Job | undefined> {
    const row = statement(`reading job ${id}`, () => this.selectJob.get(id));
    return row && rowToJob(row);
  }

  async listJobs(filter: JobFilter = {}): Promise<Job[]> {
    const where = conditions({
      installation_id: filter.installationId,
      tier: filter.tier,
      status: filter.status,
      repository: filter.repository,
    });
    const rows = statement('listing jobs', () =>
      this.db
        .prepare<unknown[], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs ${where.sql} ORDER BY id`)
        .all(...where.values),
    );
    return rows.map(rowToJob);
  }

  async takeSlot(request: SlotRequest): Promise<SlotDecision> {
    checkSlotRequest(request);

    return immediate(this.db, `taking a slot for runner ${request.runnerName}`, () =>
      this.take(request),
    );
  }

  /** Counts and inserts; the caller holds the transaction. */
  private take(request: SlotRequest): SlotDecision {
    if (this.selectRunner.get(request.runnerName) !== undefined) {
      throw runnerNameTaken(request.runnerName);
    }

    const counts = this.countSlots.get({
      installation_id: request.installationId,
      tier: request.tier,
      repository: request.repository ?? null,
    }) as SlotCounts;
    const reason = slotRefusal(counts, request.limits);
    if (reason !== undefined) return { taken: false, reason };

    const runner = launchingRunner(request);
    this.insertRunner.run(runnerToRow(runner));
    return { taken: true, runner };
  }

  async updateRunner(name: string, patch: RunnerPatch): Promise<Runner | undefined> {
    checkRunnerPatch(name, patch);

    return immediate(this.db, `updating runner ${name}`, () => {
      const row = this.selectRunner.get(name);
      if (row === undefined) return undefined;

      const known = rowToRunner(row);
      const next = applyRunnerPatch(known, patch);
      if (next !== known) this.replaceRunner.run(runnerToRow(next));
      return next;
    });
  }

  async getRunner(name: string): Promise<Runner | undefined> {
    const row = statement(`reading runner ${name}`, () => this.selectRunner.get(name));
    return row && rowToRunner(row);
  }

  async listRunners(filter: RunnerFilter = {}): Promise<Runner[]> {
    const where = conditions({
      installation_id: filter.installationId,
      tier: filter.tier,
      state: filter.states,
    });
    const rows = statement('listing runners', () =>
      this.db
        .prepare<unknown[], RunnerRow>(
          `SELECT ${RUNNER_COLUMNS} FROM runners ${where.sql} ORDER BY launched_at, name`,
        )
        .all(...where.values),
    );
    return rows.map(rowToRunner);
  }
}

type Condition = string | number | readonly string[] | undefined;

/** A WHERE clause for the columns whose value is given: equal to a value, or in a list. */
function conditions(columns: Readonly<Record<string, Condition>>): {
  sql: string;
  values: (string | number)[];
} {
  const clauses: string[] = [];
  const values: (string | number)[] = [];

  for (const [column, value] of Object.entries(columns)) {
    if (value === undefined) continue;
    if (typeof value !== 'object') {
      clauses.push(`${column} = ?`);
      values.push(value);
      continue;
    }
    // An empty list matches nothing, and `IN ()` is not valid SQL.
    clauses.push(value.length === 0 ? '0' : `${column} IN (${value.map(() => '?').join(', ')})`);
    values.push(...value);
  }

  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, values };
}
