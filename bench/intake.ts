/**
 * How much work the webhook path does per delivery, on this machine: the intake alone and the
 * whole HTTP app (signature, body, parse, intake) over SQLite, for a job that is not ours
 * (GitHub-hosted labels: the bulk of an org-wide installation's traffic) and for a queued job
 * of a tier. Prints medians of repeated batches; run with `npm run bench`.
 */
import { performance } from 'node:perf_hooks';

import { MemoryCompute } from '../src/adapters/memory/memory-compute.js';
import { MemoryGitHub } from '../src/adapters/memory/memory-github.js';
import { MemoryJitHandoff } from '../src/adapters/memory/memory-jit-handoff.js';
import { openDatabase } from '../src/adapters/sqlite/open-database.js';
import { SqliteDeliveryLog } from '../src/adapters/sqlite/sqlite-delivery-log.js';
import { SqliteLedger } from '../src/adapters/sqlite/sqlite-ledger.js';
import { SqliteTenantStore } from '../src/adapters/sqlite/sqlite-tenant-store.js';
import { SqliteWorkQueue } from '../src/adapters/sqlite/sqlite-work-queue.js';
import { createJsonLogger } from '../src/adapters/telemetry/json-logger.js';
import { PrometheusRegistry } from '../src/adapters/telemetry/prometheus.js';
import type { CoreDeps } from '../src/core/deps.js';
import { createWebhookIntake } from '../src/core/intake.js';
import { buildTierCatalog } from '../src/core/tier.js';
import { createHttpApp } from '../src/http/create-http-app.js';
import { signWebhook } from '../src/http/webhook-signature.js';
import { workflowJobPayload } from '../test/support/webhook-payloads.js';

const BATCH = 500;
const ROUNDS = 9;
const SECRET = 'bench-secret';

const clock = { now: () => Date.now() };
const db = openDatabase(':memory:');
const handoff = new MemoryJitHandoff();
const logger = createJsonLogger({ level: 'warn', write: () => {} });
const deps: CoreDeps = {
  catalog: buildTierCatalog(
    [{ name: 'small', labels: ['self-hosted', 'linux', 'x64', 'small'], maxRunners: 2 }],
    'small',
  ),
  settings: { environment: 'bench', runnerNamePrefix: 'ghr', workFolder: '_work' },
  tenants: new SqliteTenantStore(db),
  ledger: new SqliteLedger(db),
  deliveries: new SqliteDeliveryLog(db),
  queue: new SqliteWorkQueue(db, clock),
  compute: new MemoryCompute(handoff),
  handoff,
  github: new MemoryGitHub(),
  clock,
  logger,
  metrics: new PrometheusRegistry(),
  newId: () => Math.random().toString(36).slice(2),
};
const intake = createWebhookIntake(deps);
const app = createHttpApp({
  webhookSecrets: [SECRET],
  intake,
  logger,
  metrics: new PrometheusRegistry(),
  health: async () => ({ ok: true, checks: {} }),
});

let delivery = 0;
let jobId = 1;

interface Prepared {
  readonly deliveryId: string;
  readonly payload: unknown;
  readonly body: string;
  readonly signature: string;
}

/** Payloads, bodies and signatures are made before the clock starts: only the product is timed. */
async function prepare(labels: string[]): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (let i = 0; i < BATCH; i += 1) {
    const payload = workflowJobPayload({
      action: 'queued',
      installationId: 9,
      jobId: jobId++,
      labels,
    });
    const body = JSON.stringify(payload);
    prepared.push({
      deliveryId: `d${delivery++}`,
      payload,
      body,
      signature: await signWebhook(SECRET, body),
    });
  }
  return prepared;
}

async function viaIntake(d: Prepared): Promise<void> {
  await intake.receive({ event: 'workflow_job', deliveryId: d.deliveryId, payload: d.payload });
}

async function viaHttp(d: Prepared): Promise<void> {
  const response = await app.request('/webhook', {
    method: 'POST',
    body: d.body,
    headers: {
      'x-github-event': 'workflow_job',
      'x-github-delivery': d.deliveryId,
      'x-hub-signature-256': d.signature,
    },
  });
  if (response.status !== 202) throw new Error(`unexpected ${response.status}`);
}

async function medianMicros(
  labels: string[],
  run: (d: Prepared) => Promise<void>,
): Promise<number> {
  const perCall: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const batch = await prepare(labels);
    const start = performance.now();
    for (const d of batch) await run(d);
    perCall.push(((performance.now() - start) * 1000) / BATCH);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)] ?? 0;
}

const hosted = ['ubuntu-latest'];
const small = ['self-hosted', 'linux', 'x64', 'small'];
const results = {
  'intake, GitHub-hosted job (not ours)': await medianMicros(hosted, viaIntake),
  'intake, queued job of a tier': await medianMicros(small, viaIntake),
  'HTTP app, GitHub-hosted job (not ours)': await medianMicros(hosted, viaHttp),
  'HTTP app, queued job of a tier': await medianMicros(small, viaHttp),
};

console.log(`median µs per delivery (${ROUNDS} rounds of ${BATCH}), Node ${process.version}`);
for (const [name, micros] of Object.entries(results)) {
  console.log(`  ${name.padEnd(42)} ${micros.toFixed(1).padStart(8)}`);
}
const [notOurs, ours] = [
  results['intake, GitHub-hosted job (not ours)'],
  results['intake, queued job of a tier'],
];
console.log(
  `  ratio queued / not ours (intake)            ${(ours / notOurs).toFixed(1).padStart(8)}`,
);
db.close();
