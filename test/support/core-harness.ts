import { MemoryCompute } from '../../src/adapters/memory/memory-compute.js';
import { MemoryDecisionLog } from '../../src/adapters/memory/memory-decision-log.js';
import { MemoryDeliveryLog } from '../../src/adapters/memory/memory-delivery-log.js';
import { MemoryGitHub } from '../../src/adapters/memory/memory-github.js';
import { MemoryJitHandoff } from '../../src/adapters/memory/memory-jit-handoff.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { MemoryTenantStore } from '../../src/adapters/memory/memory-tenant-store.js';
import { MemoryWorkQueue } from '../../src/adapters/memory/memory-work-queue.js';
import { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteDecisionLog } from '../../src/adapters/sqlite/sqlite-decision-log.js';
import { SqliteDeliveryLog } from '../../src/adapters/sqlite/sqlite-delivery-log.js';
import { SqliteLedger } from '../../src/adapters/sqlite/sqlite-ledger.js';
import { SqliteTenantStore } from '../../src/adapters/sqlite/sqlite-tenant-store.js';
import { SqliteWorkQueue } from '../../src/adapters/sqlite/sqlite-work-queue.js';
import type { CoreDeps } from '../../src/core/deps.js';
import type { DecisionLog } from '../../src/core/ports/decision-log.js';
import type { Ledger } from '../../src/core/ports/ledger.js';
import type { TenantStore } from '../../src/core/ports/tenant-store.js';
import type { WorkQueue } from '../../src/core/ports/work-queue.js';
import type { WebhookIntake } from '../../src/core/delivery.js';
import { createWebhookIntake } from '../../src/core/intake.js';
import type { LogFields, Logger, Metrics } from '../../src/core/ports/telemetry.js';
import type { TierCatalog, TierInput } from '../../src/core/tier.js';
import { buildTierCatalog } from '../../src/core/tier.js';
import { createWorkHandler } from '../../src/core/work-handler.js';

export interface LogEntry {
  readonly level: string;
  readonly msg: string;
  readonly fields: LogFields;
}

/** Captures log lines as objects, with bindings merged in. */
export function captureLogger(entries: LogEntry[], bindings: LogFields = {}): Logger {
  const write =
    (level: string) =>
    (msg: string, fields: LogFields = {}) =>
      entries.push({ level, msg, fields: { ...bindings, ...fields } });
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => captureLogger(entries, { ...bindings, ...more }),
  };
}

export const noMetrics: Metrics = { increment: () => {}, setGauge: () => {} };

export const STANDARD_TIERS: TierInput[] = [
  { name: 'small', labels: ['self-hosted', 'linux', 'x64', 'small'], maxRunners: 2 },
  { name: 'medium', labels: ['self-hosted', 'linux', 'x64', 'medium'], maxRunners: 5 },
  { name: 'large', labels: ['self-hosted', 'linux', 'x64', 'large'], maxRunners: 10 },
];

export interface CoreHarness {
  readonly deps: CoreDeps;
  readonly intake: WebhookIntake;
  readonly github: MemoryGitHub;
  readonly compute: MemoryCompute;
  readonly queue: WorkQueue;
  readonly ledger: Ledger;
  readonly tenants: TenantStore;
  readonly decisions: DecisionLog;
  readonly handoff: MemoryJitHandoff;
  readonly clock: ManualClock | RealTimeClock;
  readonly logs: LogEntry[];
  /** Runs queued work items one at a time until none is ready; returns how many ran. */
  drain(): Promise<number>;
  /** Sends a delivery through the intake with a fresh delivery id. */
  deliver(
    event: string,
    payload: unknown,
    deliveryId?: string,
  ): ReturnType<WebhookIntake['receive']>;
}

/** A ManualClock whose time is the real time, for tests where workers wait on timers. */
export class RealTimeClock extends ManualClock {
  override now(): number {
    return Date.now();
  }
}

let deliveries = 0;

export interface HarnessOptions {
  readonly tiers?: TierInput[];
  readonly defaultTier?: string;
  readonly matchMode?: 'exact' | 'subset';
  /** Real time instead of a manual clock, for tests that run the worker pool. */
  readonly realTime?: boolean;
  /** Where tenants, ledger, deliveries, decisions and queue live; compute and GitHub stay in memory. */
  readonly storage?: 'memory' | 'sqlite';
  /** Replaces the decision log the storage would have, e.g. with one that fails. */
  readonly decisions?: DecisionLog;
}

export function coreHarness(options: HarnessOptions = {}): CoreHarness {
  const { tiers = STANDARD_TIERS, defaultTier = 'small', matchMode = 'exact' } = options;
  const clock = options.realTime ? new RealTimeClock() : new ManualClock();
  const logs: LogEntry[] = [];
  const handoff = new MemoryJitHandoff();
  const compute = new MemoryCompute(handoff);
  const github = new MemoryGitHub();
  const db = options.storage === 'sqlite' ? openDatabase(':memory:') : undefined;
  const queue = db ? new SqliteWorkQueue(db, clock) : new MemoryWorkQueue(clock);
  const ledger = db ? new SqliteLedger(db) : new MemoryLedger();
  const tenants = db ? new SqliteTenantStore(db) : new MemoryTenantStore();
  const decisions = options.decisions ?? (db ? new SqliteDecisionLog(db) : new MemoryDecisionLog());
  const catalog: TierCatalog = buildTierCatalog(tiers, defaultTier, matchMode);
  let ids = 0;

  const deps: CoreDeps = {
    catalog,
    settings: { environment: 'test-env', runnerNamePrefix: 'ghr', workFolder: '_work' },
    tenants,
    ledger,
    deliveries: db ? new SqliteDeliveryLog(db) : new MemoryDeliveryLog(),
    decisions,
    queue,
    compute,
    handoff,
    github,
    clock,
    logger: captureLogger(logs),
    metrics: noMetrics,
    newId: () => `id${(ids += 1).toString().padStart(6, '0')}`,
  };
  const intake = createWebhookIntake(deps);
  const handle = createWorkHandler(deps);

  return {
    deps,
    intake,
    github,
    compute,
    queue,
    ledger,
    tenants,
    decisions,
    handoff,
    clock,
    logs,
    async drain() {
      let ran = 0;
      for (let work = await queue.lease(60_000); work; work = await queue.lease(60_000)) {
        ran += 1;
        try {
          await handle(work.item);
          await queue.ack(work.leaseId);
        } catch (error) {
          await queue.retry(work.leaseId, 1_000, String(error));
        }
      }
      return ran;
    },
    deliver(event, payload, deliveryId) {
      return intake.receive({
        event,
        payload,
        deliveryId: deliveryId ?? `delivery-${(deliveries += 1)}`,
      });
    },
  };
}
