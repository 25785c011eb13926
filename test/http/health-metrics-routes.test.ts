import { describe, expect, it } from 'vitest';
import { exampleOf } from '../support/webhook-payloads.js';
import { createAppFixture, newDeliveryId, postDelivery } from './webhook-app-fixture.js';

describe('GET /healthz', () => {
  it('answers 200 with the checks when all pass', async () => {
    const { app } = createAppFixture({
      health: async () => ({ ok: true, checks: { database: 'ok', work_queue: 'ok' } }),
    });

    const response = await app.request('/healthz');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      checks: { database: 'ok', work_queue: 'ok' },
    });
  });

  it('answers 503 with the failing check', async () => {
    const { app } = createAppFixture({
      health: async () => ({ ok: false, checks: { database: 'ok', work_queue: 'unreachable' } }),
    });

    const response = await app.request('/healthz');

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      ok: false,
      checks: { database: 'ok', work_queue: 'unreachable' },
    });
  });

  it('answers 503 and logs the error when the check itself throws', async () => {
    const { app, logger } = createAppFixture({
      health: async () => {
        throw new Error('database file /var/lib/ghr/state.db is locked');
      },
    });

    const response = await app.request('/healthz');

    expect(response.status).toBe(503);
    const answer = (await response.json()) as { ok: boolean; checks: Record<string, string> };
    expect(answer.ok).toBe(false);
    expect(JSON.stringify(answer)).not.toContain('/var/lib');
    expect(logger.entries).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: { err: expect.objectContaining({ message: expect.stringMatching(/locked/) }) },
      }),
    ]);
  });
});

describe('GET /metrics', () => {
  it('renders the delivery counters in the Prometheus text format after deliveries', async () => {
    const { app } = createAppFixture();
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));
    await postDelivery(app, { event: 'workflow_job', deliveryId: newDeliveryId(), body });
    await postDelivery(app, { event: 'workflow_job', deliveryId: newDeliveryId(), body: '{' });
    await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
      signature: null,
    });

    const response = await app.request('/metrics');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toBe(
      [
        '# HELP ghr_webhook_deliveries_total Webhook deliveries by event and outcome.',
        '# TYPE ghr_webhook_deliveries_total counter',
        'ghr_webhook_deliveries_total{event="unverified",outcome="signature_invalid"} 1',
        'ghr_webhook_deliveries_total{event="workflow_job",outcome="accepted"} 1',
        'ghr_webhook_deliveries_total{event="workflow_job",outcome="invalid_input"} 1',
        '',
      ].join('\n'),
    );
  });
});

describe('other routes', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/webhook'],
    ['POST', '/webhooks'],
    ['DELETE', '/healthz'],
  ])('answers %s %s with 404 JSON', async (method, path) => {
    const { app } = createAppFixture();

    const response = await app.request(path, { method });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: 'not_found',
      message: `no route for ${method} ${path}`,
    });
  });
});
