import type Database from 'better-sqlite3';

import type { Decision, DecisionReason, RecordedDecision } from '../../core/decision.js';
import { checkDecision, repeatsDecision } from '../../core/decision.js';
import type { DecisionLog } from '../../core/ports/decision-log.js';
import { DEFAULT_DECISIONS_PER_TENANT } from '../../core/ports/decision-log.js';
import { immediate, statement } from './sqlite-transaction.js';

interface DecisionRow {
  id: number;
  installation_id: number;
  tier: string | null;
  reason: string;
  launched: number;
  job_id: number | null;
  detail: string | null;
  at: string;
  last_at: string;
  repeats: number;
}

const COLUMNS = 'id, installation_id, tier, reason, launched, job_id, detail, at, last_at, repeats';

/**
 * Decisions in the `decisions` table. Row ids grow with every insert, so "newest" is the
 * highest id even when two decisions share a time; the fold into the newest row, the insert
 * and the trim of old rows run in one transaction.
 */
export class SqliteDecisionLog implements DecisionLog {
  private readonly newest: Database.Statement<[number], DecisionRow>;
  private readonly repeat: Database.Statement<[string, number]>;
  private readonly insert: Database.Statement<[Omit<DecisionRow, 'id'>]>;
  private readonly trim: Database.Statement<[number, number, number]>;
  private readonly recent: Database.Statement<[number, number], DecisionRow>;
  private readonly keep: number;

  constructor(
    private readonly db: Database.Database,
    keepPerTenant = DEFAULT_DECISIONS_PER_TENANT,
  ) {
    this.newest = db.prepare(
      `SELECT ${COLUMNS} FROM decisions WHERE installation_id = ? ORDER BY id DESC LIMIT 1`,
    );
    this.repeat = db.prepare(
      'UPDATE decisions SET repeats = repeats + 1, last_at = ? WHERE id = ?',
    );
    this.insert = db.prepare(
      'INSERT INTO decisions (installation_id, tier, reason, launched, job_id, detail, at, ' +
        'last_at, repeats) VALUES (@installation_id, @tier, @reason, @launched, @job_id, ' +
        '@detail, @at, @last_at, @repeats)',
    );
    this.trim = db.prepare(
      'DELETE FROM decisions WHERE installation_id = ? AND id <= coalesce((SELECT id FROM ' +
        'decisions WHERE installation_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?), 0)',
    );
    this.recent = db.prepare(
      `SELECT ${COLUMNS} FROM decisions WHERE installation_id = ? ORDER BY id DESC LIMIT ?`,
    );
    this.keep = Math.max(1, keepPerTenant);
  }

  async record(decision: Decision): Promise<void> {
    checkDecision(decision);

    const tenant = decision.installationId;
    immediate(this.db, `recording a decision for tenant ${tenant}`, () => {
      const row = this.newest.get(tenant);
      if (row !== undefined && repeatsDecision(toDecision(row), decision)) {
        this.repeat.run(decision.at, row.id);
        return;
      }

      this.insert.run(toRow(decision));
      this.trim.run(tenant, tenant, this.keep);
    });
  }

  async listRecent(installationId: number, limit: number): Promise<RecordedDecision[]> {
    const rows = statement(`listing the decisions of tenant ${installationId}`, () =>
      this.recent.all(installationId, Math.max(0, Math.trunc(limit))),
    );
    return rows.map(toDecision);
  }
}

function toRow(decision: Decision): Omit<DecisionRow, 'id'> {
  return {
    installation_id: decision.installationId,
    tier: decision.tier ?? null,
    reason: decision.reason,
    launched: decision.launched,
    job_id: decision.jobId ?? null,
    detail: decision.detail ?? null,
    at: decision.at,
    last_at: decision.at,
    repeats: 1,
  };
}

function toDecision(row: DecisionRow): RecordedDecision {
  return {
    installationId: row.installation_id,
    tier: row.tier ?? undefined,
    reason: row.reason as DecisionReason,
    launched: row.launched,
    jobId: row.job_id ?? undefined,
    detail: row.detail ?? undefined,
    at: row.at,
    repeats: row.repeats,
    lastAt: row.last_at,
  };
}
