import type { Clock } from './ports/clock.js';
import type { ComputeProvider } from './ports/compute.js';
import type { DecisionLog } from './ports/decision-log.js';
import type { DeliveryLog } from './ports/delivery-log.js';
import type { GitHubApi } from './ports/github.js';
import type { JitHandoff } from './ports/jit-handoff.js';
import type { Ledger } from './ports/ledger.js';
import type { Logger, Metrics } from './ports/telemetry.js';
import type { TenantStore } from './ports/tenant-store.js';
import type { WorkQueue } from './ports/work-queue.js';
import type { TierCatalog } from './tier.js';

/** Settings of one deployment that the core's decisions depend on. */
export interface CoreSettings {
  /** Deployment prefix: the `ghr:environment` tag. */
  readonly environment: string;
  /** Every runner we register is named `<prefix>-...`; names without it are not ours. */
  readonly runnerNamePrefix: string;
  /** `work_folder` given to GitHub at registration. */
  readonly workFolder: string;
  /** A runner with no machine recorded this long after its launch began is ended. */
  readonly launchTimeoutMs?: number;
  /** A runner that has not taken a job this long after launch is ended (F15). */
  readonly bootTimeoutMs?: number;
  /** A job queued this long is looked up on GitHub, in case its later webhooks were lost. */
  readonly jobCheckAfterMs?: number;
}

/** Everything the core's services use, passed in by the composition root of each backend. */
export interface CoreDeps {
  readonly catalog: TierCatalog;
  readonly settings: CoreSettings;
  readonly tenants: TenantStore;
  readonly ledger: Ledger;
  readonly deliveries: DeliveryLog;
  /** Where launch decisions are kept for `ghr tenants show`; without one they are only logged. */
  readonly decisions?: DecisionLog;
  readonly queue: WorkQueue;
  readonly compute: ComputeProvider;
  readonly handoff: JitHandoff;
  readonly github: GitHubApi;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Random id source for runner names (injected so tests are repeatable). */
  readonly newId: () => string;
}
