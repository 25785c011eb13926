import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/core/errors.js';
import { signWebhook } from '../../src/http/webhook-signature.js';
import { exampleOf, examplesOf, workflowJobPayload } from '../support/webhook-payloads.js';
import { SECRET, createAppFixture, newDeliveryId, postDelivery } from './webhook-app-fixture.js';

/** A real `workflow_job` payload grown past 300 kB with steps shaped like GitHub's. */
function largeJobBody(): { body: string; payload: Record<string, unknown> } {
  const payload = workflowJobPayload({
    action: 'completed',
    installationId: 4242,
    jobId: 12,
    labels: ['self-hosted', 'linux', 'x64', 'small'],
  });
  const job = payload['workflow_job'] as { steps: Record<string, unknown>[] };
  const step = job.steps[0] as Record<string, unknown>;
  job.steps = Array.from({ length: 2500 }, (_, i) => ({
    ...step,
    name: `Run step ${i + 1} — ünïcödé ✓`,
    number: i + 1,
  }));
  return { body: JSON.stringify(payload), payload };
}

describe('POST /webhook: signature over the raw body (F1)', () => {
  it('accepts a 300 kB signed body and hands the intake the exact payload', async () => {
    const { app, intake } = createAppFixture();
    const { body, payload } = largeJobBody();
    expect(new TextEncoder().encode(body).byteLength).toBeGreaterThan(300_000);
    const deliveryId = newDeliveryId();

    const response = await postDelivery(app, { event: 'workflow_job', deliveryId, body });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'accepted', reason: 'job_event_queued' });
    expect(intake.received).toEqual([{ event: 'workflow_job', deliveryId, payload }]);
  });

  it('verifies the bytes as sent, not a re-serialisation of the JSON', async () => {
    const { app, intake } = createAppFixture();
    const payload = exampleOf('workflow_job', 'queued');
    const original = JSON.stringify(payload, null, '\t').replace(/\n/g, '\r\n') + '\r\n';
    const compact = JSON.stringify(payload);

    const signedOverCompact = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: original,
      signature: await signWebhook(SECRET, compact),
    });
    const signedOverOriginal = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: original,
    });

    expect(signedOverCompact.status).toBe(401);
    expect(signedOverOriginal.status).toBe(202);
    expect(intake.received.map((d) => d.payload)).toEqual([payload]);
  });

  it('rejects a body with one byte changed after signing', async () => {
    const { app, intake } = createAppFixture();
    const bytes = new TextEncoder().encode(JSON.stringify(exampleOf('workflow_job', 'queued')));
    const signature = await signWebhook(SECRET, bytes);
    const tampered = bytes.slice();
    const at = tampered.indexOf('1'.charCodeAt(0));
    tampered[at] = '2'.charCodeAt(0);

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: tampered,
      signature,
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'signature_invalid' });
    expect(intake.received).toEqual([]);
  });

  it.each([
    ['no signature header', null, {}],
    ['only the legacy SHA-1 header', null, { 'x-hub-signature': 'sha1=' + 'ab'.repeat(20) }],
    ['a sha1= value in the SHA-256 header', 'sha1=' + 'ab'.repeat(20), {}],
    ['a digest without its prefix', 'ab'.repeat(32), {}],
    ['a digest one hex digit short', 'sha256=' + 'a'.repeat(63), {}],
    ['a digest with a non-hex digit', 'sha256=' + 'g'.repeat(64), {}],
  ])('answers 401 and passes nothing on for %s', async (_name, signature, extraHeaders) => {
    const { app, intake, metrics } = createAppFixture();
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
      signature,
      extraHeaders,
    });

    expect(response.status).toBe(401);
    const answer = (await response.json()) as { error: string; message: string };
    expect(answer.error).toBe('signature_invalid');
    expect(answer.message).toMatch(/X-Hub-Signature-256/);
    expect(intake.received).toEqual([]);
    expect(metrics.render()).toContain(
      'ghr_webhook_deliveries_total{event="unverified",outcome="signature_invalid"} 1',
    );
  });

  it('names the legacy header when it is the only one sent', async () => {
    const { app } = createAppFixture();

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: '{}',
      signature: null,
      extraHeaders: { 'x-hub-signature': 'sha1=' + 'ab'.repeat(20) },
    });

    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/SHA-1/) });
  });

  it('answers 401 for a body signed with a secret it does not know', async () => {
    const { app, intake } = createAppFixture();
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
      signature: await signWebhook('some-other-secret', body),
    });

    expect(response.status).toBe(401);
    expect(intake.received).toEqual([]);
  });

  it('verifies with a secret holding $, " and \\', async () => {
    const secret = 'pa$$w"rd\\with\\$HOME"and more';
    const { app, intake } = createAppFixture({ secrets: [secret] });
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
      signature: await signWebhook(secret, body),
    });

    expect(response.status).toBe(202);
    expect(intake.received).toHaveLength(1);
  });

  it('verifies with the previous secret during a rotation, and with the current one', async () => {
    const { app, intake } = createAppFixture({ secrets: ['new-secret', 'old-secret'] });
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));

    const statuses: number[] = [];
    for (const secret of ['old-secret', 'new-secret', 'retired-secret']) {
      const response = await postDelivery(app, {
        event: 'workflow_job',
        deliveryId: newDeliveryId(),
        body,
        signature: await signWebhook(secret, body),
      });
      statuses.push(response.status);
    }

    expect(statuses).toEqual([202, 202, 401]);
    expect(intake.received).toHaveLength(2);
  });
});

describe('POST /webhook: answers by outcome (F2)', () => {
  it('answers a redelivery of the same X-GitHub-Delivery with 200, and the intake keeps one', async () => {
    const { app, intake } = createAppFixture();
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));
    const deliveryId = newDeliveryId();

    const first = await postDelivery(app, { event: 'workflow_job', deliveryId, body });
    const second = await postDelivery(app, { event: 'workflow_job', deliveryId, body });

    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({
      status: 'duplicate',
      reason: 'delivery_already_recorded',
    });
    expect(intake.received).toHaveLength(1);
  });

  it('answers 202 with the reason for an ignored delivery', async () => {
    const { app, intake } = createAppFixture();
    intake.answer = async () => ({ status: 'ignored', reason: 'no_matching_tier' });
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
    });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'ignored', reason: 'no_matching_tier' });
  });

  it('answers ping with 200 and its zen, without calling the intake', async () => {
    const { app, intake } = createAppFixture();
    const ping = examplesOf('ping')[0] as Record<string, unknown>;

    const response = await postDelivery(app, {
      event: 'ping',
      deliveryId: newDeliveryId(),
      body: JSON.stringify(ping),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, zen: ping['zen'] });
    expect(intake.received).toEqual([]);
  });

  it('answers 400 with the message of an invalid_input error from the intake', async () => {
    const { app, intake } = createAppFixture();
    intake.answer = async () => {
      throw new PlatformError('invalid_input', 'reading workflow_job: workflow_job.id is missing');
    };

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: '{"action":"queued"}',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_input',
      message: 'reading workflow_job: workflow_job.id is missing',
    });
  });

  it('answers 500 with a generic message and logs the delivery and the error', async () => {
    const { app, intake, logger } = createAppFixture();
    intake.answer = async () => {
      throw new PlatformError('unavailable', 'recording the delivery: database is locked');
    };
    const deliveryId = newDeliveryId();

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId,
      body: JSON.stringify(exampleOf('workflow_job', 'queued')),
    });

    expect(response.status).toBe(500);
    const answer = JSON.stringify(await response.json());
    expect(answer).not.toContain('database is locked');
    const line = logger.entries.find((entry) => entry.level === 'error');
    expect(line?.fields).toMatchObject({
      delivery_id: deliveryId,
      event: 'workflow_job',
      err: { name: 'PlatformError', code: 'unavailable', message: expect.any(String) },
    });
  });
});
