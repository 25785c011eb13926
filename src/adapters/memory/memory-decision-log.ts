import type { Decision, RecordedDecision } from '../../core/decision.js';
import { checkDecision, repeatsDecision } from '../../core/decision.js';
import type { DecisionLog } from '../../core/ports/decision-log.js';
import { DEFAULT_DECISIONS_PER_TENANT } from '../../core/ports/decision-log.js';

/** Decisions in a list per tenant, newest last; each call runs without an `await`. */
export class MemoryDecisionLog implements DecisionLog {
  private readonly byTenant = new Map<number, RecordedDecision[]>();

  constructor(private readonly keepPerTenant = DEFAULT_DECISIONS_PER_TENANT) {}

  async record(decision: Decision): Promise<void> {
    checkDecision(decision);

    const kept = this.byTenant.get(decision.installationId) ?? [];
    const newest = kept.at(-1);
    if (newest !== undefined && repeatsDecision(newest, decision)) {
      kept[kept.length - 1] = Object.freeze({
        ...newest,
        repeats: newest.repeats + 1,
        lastAt: decision.at,
      });
      return;
    }

    kept.push(Object.freeze({ ...decision, repeats: 1, lastAt: decision.at }));
    this.byTenant.set(decision.installationId, kept.slice(-this.keepPerTenant));
  }

  async listRecent(installationId: number, limit: number): Promise<RecordedDecision[]> {
    const kept = this.byTenant.get(installationId) ?? [];
    return [...kept].reverse().slice(0, Math.max(0, limit));
  }
}
