import type { Rule } from './input-rules.js';
import {
  checkFields,
  isoTimeText,
  nonEmptyText,
  oneOf,
  optional,
  refuseProblems,
  wholeNumberAtLeast,
} from './input-rules.js';
import type { SlotRefusal } from './ports/ledger.js';

/**
 * Why the control plane did not start a runner for a job: the reasons a reconcile or a job's
 * slot take stops at, and those the intake decides on its own (labels that match no tier).
 */
export type DecisionReason =
  | SlotRefusal
  /** A launch that served all demand. No longer recorded (the runner is the record), but read. */
  | 'launched'
  | 'unknown_tier'
  | 'tenant_suspended'
  | 'tenant_deleted'
  | 'no_matching_tier';

export const DECISION_REASONS: readonly DecisionReason[] = [
  'launched',
  'no_demand',
  'at_tenant_limit',
  'at_tier_limit',
  'unknown_tier',
  'tenant_suspended',
  'tenant_deleted',
  'no_matching_tier',
];

/** One decision about a tenant, as `ghr tenants show` lists it. */
export interface Decision {
  readonly installationId: number;
  /** The tier asked for; undefined when the job's labels matched none. */
  readonly tier: string | undefined;
  readonly reason: DecisionReason;
  /** Runners this decision launched. */
  readonly launched: number;
  /** The job that prompted it, when the intake decided on one job. */
  readonly jobId: number | undefined;
  /** A short note for the operator, such as the labels that matched no tier. */
  readonly detail: string | undefined;
  /** ISO time it was first made. */
  readonly at: string;
}

/** A decision as a log keeps it: repeats of the newest one are folded into it. */
export interface RecordedDecision extends Decision {
  /** How many times it was made in a row; 1 when once. */
  readonly repeats: number;
  /** ISO time of the last repeat (equal to `at` when made once). */
  readonly lastAt: string;
}

const DECISION_RULES: Readonly<Record<keyof Decision, Rule>> = {
  installationId: wholeNumberAtLeast(1),
  tier: optional(nonEmptyText),
  reason: oneOf(DECISION_REASONS),
  launched: wholeNumberAtLeast(0),
  jobId: optional(wholeNumberAtLeast(1)),
  detail: optional(nonEmptyText),
  at: isoTimeText,
};

/** Throws `invalid_input` naming each bad field, so a log never keeps a broken decision. */
export function checkDecision(decision: Decision): void {
  refuseProblems(
    `recording a decision for tenant ${String(decision.installationId)}`,
    checkFields(decision, DECISION_RULES),
  );
}

/**
 * True when `next` says again what `newest` said, with nothing launched either time: a tenant
 * at its limit is reconciled again on every sweep, and one line with a count tells the
 * operator more than a hundred equal ones that push older decisions out.
 */
export function repeatsDecision(newest: Decision, next: Decision): boolean {
  return (
    newest.installationId === next.installationId &&
    newest.tier === next.tier &&
    newest.reason === next.reason &&
    newest.jobId === next.jobId &&
    newest.detail === next.detail &&
    newest.launched === 0 &&
    next.launched === 0
  );
}
