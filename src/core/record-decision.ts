import type { Decision } from './decision.js';
import type { DecisionLog } from './ports/decision-log.js';
import type { Logger } from './ports/telemetry.js';

/**
 * Adds a decision to the log, when the backend has one. The log is for the operator's eyes:
 * a failure to write it is logged and never fails the webhook or the reconcile that decided.
 */
export async function recordDecision(
  deps: { readonly decisions?: DecisionLog | undefined; readonly logger: Logger },
  decision: Decision,
): Promise<void> {
  if (deps.decisions === undefined) return;

  try {
    await deps.decisions.record(decision);
  } catch (error) {
    deps.logger.warn('could not record a decision', {
      tenant_id: decision.installationId,
      installation_id: decision.installationId,
      tier: decision.tier,
      reason: decision.reason,
      err: error,
    });
  }
}
