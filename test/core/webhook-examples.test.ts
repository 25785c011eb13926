import { describe, expect, it } from 'vitest';

import { MemoryCompute } from '../../src/adapters/memory/memory-compute.js';
import { MemoryGitHub } from '../../src/adapters/memory/memory-github.js';
import { MemoryJitHandoff } from '../../src/adapters/memory/memory-jit-handoff.js';
import { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteDeliveryLog } from '../../src/adapters/sqlite/sqlite-delivery-log.js';
import { SqliteLedger } from '../../src/adapters/sqlite/sqlite-ledger.js';
import { SqliteTenantStore } from '../../src/adapters/sqlite/sqlite-tenant-store.js';
import { SqliteWorkQueue } from '../../src/adapters/sqlite/sqlite-work-queue.js';
import { createMemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import { PrometheusRegistry } from '../../src/adapters/telemetry/prometheus.js';
import type { CoreDeps } from '../../src/core/deps.js';
import { createWebhookIntake } from '../../src/core/intake.js';
import { buildTierCatalog } from '../../src/core/tier.js';
import { createWorkHandler } from '../../src/core/work-handler.js';
import { createHttpApp } from '../../src/http/create-http-app.js';
import { signWebhook } from '../../src/http/webhook-signature.js';
import { examplesOf } from '../support/webhook-payloads.js';

const SECRET = 'examples-secret';

/** The HTTP app over SQLite, with a tier that the published k8s examples ask for. */
function exampleStack() {
  const db = openDatabase(':memory:');
  const clock = new ManualClock();
  const handoff = new MemoryJitHandoff();
  const logger = createMemoryLogger({ level: 'debug' });
  const github = new MemoryGitHub();
  const deps: CoreDeps = {
    catalog: buildTierCatalog(
      [
        { name: 'small', labels: ['self-hosted', 'linux', 'x64', 'small'], maxRunners: 2 },
        { name: 'k8s', labels: ['self-hosted', 'k8s'], maxRunners: 2 },
      ],
      'small',
    ),
    settings: { environment: 'examples', runnerNamePrefix: 'ghr', workFolder: '_work' },
    tenants: new SqliteTenantStore(db),
    ledger: new SqliteLedger(db),
    deliveries: new SqliteDeliveryLog(db),
    queue: new SqliteWorkQueue(db, clock),
    compute: new MemoryCompute(handoff),
    handoff,
    github,
    clock,
    logger,
    metrics: new PrometheusRegistry(),
    newId: () => Math.random().toString(36).slice(2),
  };
  const app = createHttpApp({
    webhookSecrets: [SECRET],
    intake: createWebhookIntake(deps),
    logger,
    metrics: new PrometheusRegistry(),
    health: async () => ({ ok: true, checks: {} }),
  });
  return { app, deps, github, logger };
}

async function post(
  app: ReturnType<typeof exampleStack>['app'],
  event: string,
  payload: unknown,
  id: string,
) {
  const body = JSON.stringify(payload);
  return app.request('/webhook', {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-hub-signature-256': await signWebhook(SECRET, body),
    },
  });
}

describe("GitHub's published webhook examples", () => {
  const cases = ['installation', 'installation_repositories', 'workflow_job'].flatMap((event) =>
    examplesOf(event).map((payload, i) => ({
      event,
      action: String(payload['action']),
      i,
      payload,
    })),
  );

  it.each(cases)('$title is processed without error', async ({ event, payload, i }) => {
    const { app, logger } = exampleStack();
    const response = await post(app, event, payload, `example-${event}-${i}`);

    expect(response.status).toBe(202);
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('runs them all in sequence on one database, with the queued k8s job served', async () => {
    const { app, deps, github } = exampleStack();
    github.addInstallation({
      installationId: 23154469,
      accountLogin: 'octo-user',
      accountType: 'User',
    });

    for (const [n, { event, payload }] of cases.entries()) {
      const response = await post(app, event, payload, `sequence-${n}`);
      expect([200, 202]).toContain(response.status);
    }
    const handle = createWorkHandler(deps);
    for (let work = await deps.queue.lease(1000); work; work = await deps.queue.lease(1000)) {
      await handle(work.item);
      await deps.queue.ack(work.leaseId);
    }

    const k8s = await deps.ledger.listJobs({ tier: 'k8s' });
    expect(k8s.map((j) => j.status)).toEqual(['queued']);
    expect(github.jitRequests.map((r) => [r.owner, r.repo, r.labels])).toEqual([
      ['lineville', 'elastic-machines-testing', ['self-hosted', 'k8s']],
    ]);
    expect((await deps.tenants.get(16598467))?.status).toBe('active');
  });
});
