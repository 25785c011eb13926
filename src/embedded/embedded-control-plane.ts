import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { createGitHubApi } from '../adapters/github/octokit-github.js';
import { MemoryJitHandoff } from '../adapters/memory/memory-jit-handoff.js';
import { ProcessCompute } from '../adapters/process/process-compute.js';
import { openDatabase } from '../adapters/sqlite/open-database.js';
import { SqliteDecisionLog } from '../adapters/sqlite/sqlite-decision-log.js';
import { SqliteDeliveryLog } from '../adapters/sqlite/sqlite-delivery-log.js';
import { SqliteLedger } from '../adapters/sqlite/sqlite-ledger.js';
import { SqliteTenantStore } from '../adapters/sqlite/sqlite-tenant-store.js';
import { SqliteWorkQueue } from '../adapters/sqlite/sqlite-work-queue.js';
import { PrometheusRegistry } from '../adapters/telemetry/prometheus.js';
import type { Config } from '../config/config.js';
import type { CoreDeps } from '../core/deps.js';
import { createWebhookIntake } from '../core/intake.js';
import type { Clock } from '../core/ports/clock.js';
import type { Ledger } from '../core/ports/ledger.js';
import type { Logger } from '../core/ports/telemetry.js';
import type { WorkItem, WorkQueue } from '../core/ports/work-queue.js';
import { sweep } from '../core/sweep.js';
import { createWorkHandler } from '../core/work-handler.js';
import type { WorkerPool } from '../core/worker-pool.js';
import { startWorkerPool } from '../core/worker-pool.js';
import { createHttpApp } from '../http/create-http-app.js';
import { startNodeServer } from '../http/node-server.js';
import type { OperatorBackend } from '../operator/operator-backend.js';
import { describeMetrics, ledgerGauges } from './embedded-metrics.js';

export interface EmbeddedOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** How often the sweep runs; default 30 s. */
  readonly sweepIntervalMs?: number;
}

export interface EmbeddedControlPlane {
  /** Where the webhook server listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Stops taking webhooks, finishes the work in hand, and closes the database. */
  stop(): Promise<void>;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * The whole control plane in one process: the webhook server, the workers, SQLite, and local
 * runner processes. Runner processes outlive a restart; the next start adopts them.
 */
export async function startEmbeddedControlPlane(
  config: Config,
  options: EmbeddedOptions,
): Promise<EmbeddedControlPlane> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  mkdirSync(dirname(config.storage.path), { recursive: true });
  const db = openDatabase(config.storage.path);
  const metrics = new PrometheusRegistry();
  describeMetrics(metrics);

  // Runner exits adopted at start may enqueue before the pool exists.
  const workers: { pool?: WorkerPool } = {};
  const ledger = new SqliteLedger(db);
  const queue = notifying(new SqliteWorkQueue(db, clock, logger), () => workers.pool?.notify());
  const handoff = new MemoryJitHandoff();
  const compute = new ProcessCompute({
    command: config.runner.command,
    args: [...config.runner.args],
    workDir: config.runner.workDir,
    stateDir: config.runner.stateDir,
    env: config.runner.env,
    handoff,
    logger,
    clock,
    shutdownGraceMs: config.runner.shutdownGraceSeconds * 1000,
    onExit: (runnerName: string) => {
      queueRunnerExit(ledger, queue, runnerName).catch((error: unknown) => {
        logger.error('could not queue the end of a runner', {
          runner_name: runnerName,
          err: error,
        });
      });
    },
  });

  const deps: CoreDeps = {
    catalog: config.tiers,
    settings: {
      environment: config.environment,
      runnerNamePrefix: config.runner.namePrefix,
      workFolder: '_work',
    },
    tenants: new SqliteTenantStore(db),
    ledger,
    deliveries: new SqliteDeliveryLog(db),
    decisions: new SqliteDecisionLog(db),
    queue,
    compute,
    handoff,
    github: createGitHubApi({
      appId: config.github.appId,
      privateKeyPem: config.github.privateKey,
      baseUrl: config.github.apiUrl,
      logger,
      runnerNamePrefix: config.runner.namePrefix,
    }),
    clock,
    logger,
    metrics,
    newId: () => randomUUID(),
  };

  const refreshGauges = ledgerGauges(deps, metrics);
  const app = createHttpApp({
    webhookSecrets: [config.github.webhookSecret, config.github.previousWebhookSecret].filter(
      (s): s is string => s !== undefined,
    ),
    intake: createWebhookIntake(deps),
    logger,
    metrics,
    health: async () => {
      const stats = await queue.stats();
      await refreshGauges(stats);
      return { ok: true, checks: { database: 'ok', queue_ready: String(stats.ready) } };
    },
    ...(config.admin === undefined
      ? {}
      : { admin: { token: config.admin.token, backend: operatorBackend(config, deps) } }),
  });
  // Listen first: a second instance whose port is taken must fail before it touches the
  // runner processes or the work queue of the one already running.
  const server = await startNodeServer(app, config.listen).catch((error: unknown) => {
    db.close();
    throw error;
  });

  await compute.adopt();
  const pool = startWorkerPool({
    queue,
    handle: createWorkHandler(deps),
    logger,
    metrics,
    concurrency: config.workers.concurrency,
  });
  workers.pool = pool;

  const jobChecks = new Map<number, number>();
  const sweepTimer = setInterval(() => {
    sweep(deps, jobChecks)
      .then(async () => refreshGauges(await queue.stats()))
      .catch((error: unknown) => logger.error('sweep failed', { err: error }));
  }, options.sweepIntervalMs ?? 30_000);
  sweepTimer.unref();

  logger.info('control plane started', {
    url: server.url,
    database: config.storage.path,
    environment: config.environment,
    tiers: config.tiers.tiers.map((t) => t.name),
    workers: config.workers.concurrency,
  });

  return {
    url: server.url,
    async stop() {
      clearInterval(sweepTimer);
      await server.close();
      await pool.stop();
      db.close();
      logger.info('control plane stopped; runner processes keep running', {
        state_dir: join(config.runner.stateDir),
      });
    },
  };
}

/** The admin API works on the same stores as the workers, in this process. */
function operatorBackend(config: Config, deps: CoreDeps): OperatorBackend {
  return {
    label: `the database ${config.storage.path}`,
    tenants: deps.tenants,
    ledger: deps.ledger,
    decisions: deps.decisions,
    queue: deps.queue,
    catalog: config.tiers,
    pricing: config.pricing,
    clock: deps.clock,
    progress: () => {},
    close: async () => {},
  };
}

/** A runner process ended: free its slot, whatever the reason (job done, crash, kill). */
async function queueRunnerExit(ledger: Ledger, queue: WorkQueue, runnerName: string) {
  const runner = await ledger.getRunner(runnerName);
  if (runner === undefined || runner.state === 'done') return;
  await queue.enqueue({ kind: 'runner_finished', runnerName, tier: runner.tier, reason: 'exited' });
}

/** Wakes the workers after each enqueue, so new work does not wait for the next poll. */
function notifying(queue: WorkQueue, wake: () => void): WorkQueue {
  return {
    enqueue: async (item: WorkItem, options?: { readonly delayMs?: number }) => {
      await queue.enqueue(item, options);
      wake();
    },
    lease: (ms) => queue.lease(ms),
    ack: (id) => queue.ack(id),
    retry: (id, ms, error) => queue.retry(id, ms, error),
    deadLetter: (id, error) => queue.deadLetter(id, error),
    stats: () => queue.stats(),
  };
}
