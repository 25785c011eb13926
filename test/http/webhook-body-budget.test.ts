import { describe, expect, it } from 'vitest';

import { createMemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import { PrometheusRegistry } from '../../src/adapters/telemetry/prometheus.js';
import { createHttpApp } from '../../src/http/create-http-app.js';
import { signWebhook } from '../../src/http/webhook-signature.js';
import { RecordingIntake, SECRET } from './webhook-app-fixture.js';

const KB = 1024;

function appWithBudget(bodyBudgetBytes: number) {
  const intake = new RecordingIntake();
  const app = createHttpApp({
    webhookSecrets: [SECRET],
    intake,
    logger: createMemoryLogger(),
    metrics: new PrometheusRegistry(),
    health: async () => ({ ok: true, checks: {} }),
    bodyBudgetBytes,
  });
  return { app, intake };
}

/** A body that sends `first` bytes, then waits for `release` before sending the rest. */
function heldBody(first: number, release: Promise<void>): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new Uint8Array(first).fill(32));
        return;
      }
      await release;
      controller.close();
    },
  });
}

function post(
  app: ReturnType<typeof appWithBudget>['app'],
  body: string | ReadableStream<Uint8Array>,
  signature: string,
) {
  return app.request(
    new Request('http://localhost/webhook', {
      method: 'POST',
      body,
      headers: {
        'x-github-event': 'workflow_job',
        'x-github-delivery': crypto.randomUUID(),
        'x-hub-signature-256': signature,
      },
      duplex: 'half',
    } as RequestInit),
  );
}

describe('the body budget shared by concurrent deliveries', () => {
  it('answers 503 while other bodies hold the budget, and serves again once they are gone', async () => {
    const { app, intake } = appWithBudget(100 * KB);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const unsigned = `sha256=${'0'.repeat(64)}`;

    const slow = post(app, heldBody(80 * KB, held), unsigned);
    await new Promise((r) => setTimeout(r, 50));
    const payload = JSON.stringify({ action: 'queued', pad: 'x'.repeat(40 * KB) });
    const squeezed = await post(app, payload, await signWebhook(SECRET, payload));

    expect(squeezed.status).toBe(503);
    expect(await squeezed.json()).toMatchObject({ error: 'busy' });

    release();
    expect((await slow).status).toBe(401);
    const later = await post(app, payload, await signWebhook(SECRET, payload));
    expect(later.status).toBe(202);
    expect(intake.received).toHaveLength(1);
  });
});
