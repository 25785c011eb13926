import type { Decision, RecordedDecision } from '../decision.js';

/** Decisions kept per tenant unless a log is told otherwise. */
export const DEFAULT_DECISIONS_PER_TENANT = 100;

/**
 * The recent launch decisions of each tenant and their reasons, so an operator can tell why a
 * job is not starting. Retention is bounded: a tenant's oldest decisions drop out once it has
 * more than the log keeps. Implementations: in-memory, SQLite, DynamoDB.
 */
export interface DecisionLog {
  /**
   * Records the decision. When it repeats the tenant's newest one (see `repeatsDecision`),
   * that one's `repeats` and `lastAt` move instead, so a tenant at its limit fills no log.
   */
  record(decision: Decision): Promise<void>;

  /** The tenant's newest decisions first, at most `limit` of them. */
  listRecent(installationId: number, limit: number): Promise<RecordedDecision[]>;
}
