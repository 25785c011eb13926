import type { Clock } from '../core/ports/clock.js';
import type { DecisionLog } from '../core/ports/decision-log.js';
import type { Ledger } from '../core/ports/ledger.js';
import type { TenantStore } from '../core/ports/tenant-store.js';
import type { WorkQueue } from '../core/ports/work-queue.js';
import type { PriceTable } from '../core/pricing.js';
import type { TierCatalog } from '../core/tier.js';

/**
 * The ports the operator service reads and changes, as one backend (SQLite, DynamoDB) makes
 * them. The service knows nothing else about the backend, so every command prints the same
 * thing on each.
 */
export interface OperatorBackend {
  /** What the backend is, for messages: `sqlite /data/ghr.sqlite`, `dynamodb my-saas`. */
  readonly label: string;
  readonly tenants: TenantStore;
  readonly ledger: Ledger;
  /** Undefined where the backend keeps no decisions. */
  readonly decisions: DecisionLog | undefined;
  /**
   * Where reconciles are asked for after a change that may let waiting jobs run. Undefined:
   * the next sweep of the control plane asks for them instead.
   */
  readonly queue: WorkQueue | undefined;
  /** The tiers of the deployment; undefined when no configuration was given. */
  readonly catalog: TierCatalog | undefined;
  readonly pricing: PriceTable | undefined;
  readonly clock: Clock;
  /** Says what a long operation is doing, for stderr; never part of the answer. */
  readonly progress: (message: string) => void;
  close(): Promise<void>;
}
