import { describe, expect, it } from 'vitest';
import { exampleOf, workflowJobPayload } from '../support/webhook-payloads.js';
import {
  createAppFixture,
  deliveryHeaders,
  newDeliveryId,
  postDelivery,
} from './webhook-app-fixture.js';

describe('POST /webhook: request checks', () => {
  it.each([
    ['X-GitHub-Event', { deliveryId: 'd-1' }],
    ['X-GitHub-Delivery', { event: 'workflow_job' }],
  ])('answers 400 naming %s when it is missing', async (header, headers) => {
    const { app, intake } = createAppFixture();

    const response = await postDelivery(app, { ...headers, body: '{"action":"queued"}' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_input',
      message: `the ${header} header is required`,
    });
    expect(intake.received).toEqual([]);
  });

  it.each([
    ['a trailing comma', '{"action":"queued",}', 'line 1, column 20', 'property name'],
    [
      'a cut-off body',
      '{"action":"queued",\n "workflow_job": {',
      'line 2, column 19',
      'end of input',
    ],
    ['a bare word', '{"action": queued}', 'line 1, column 12', 'found "q"'],
    ['an array missing a value', '{"labels":["a",]}', 'line 1, column 16', 'a value'],
    ['text after the object', '{"a":1} {"b":2}', 'line 1, column 9', 'end of the document'],
  ])('answers 400 saying where the JSON breaks for %s', async (_name, body, where, what) => {
    const { app, intake } = createAppFixture();

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
    });

    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; message: string };
    expect(answer.error).toBe('invalid_input');
    expect(answer.message).toContain(where);
    expect(answer.message).toContain(what);
    expect(intake.received).toEqual([]);
  });

  it.each([
    ['an array', '[1,2,3]', 'an array'],
    ['null', 'null', 'null'],
    ['a string', '"queued"', 'string'],
    ['an empty body', '', 'end of input'],
  ])('answers 400 for a signed body that is %s, not an object', async (_name, body, seen) => {
    const { app, intake } = createAppFixture();

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(seen);
    expect(intake.received).toEqual([]);
  });

  it('answers 400 for a signed body that is not UTF-8', async () => {
    const { app } = createAppFixture();

    const response = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/UTF-8/) });
  });

  it('answers 400 and passes nothing on when the body stream fails part-way', async () => {
    const { app, intake, logger } = createAppFixture();
    const headers = await deliveryHeaders({
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: '{"action":"queued"}',
    });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"action":'));
        controller.error(new Error('client went away'));
      },
    });

    const response = await app.request('/webhook', {
      method: 'POST',
      headers,
      body,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(400);
    expect(intake.received).toEqual([]);
    expect(logger.entries[0]?.fields).toMatchObject({
      reason: 'body_unreadable',
      err: { message: 'client went away' },
    });
  });

  it('answers 413 for a body one byte over the limit and accepts one at the limit', async () => {
    const { app, intake } = createAppFixture({ maxBodyBytes: 2048 });
    const atLimit = JSON.stringify({ action: 'queued', pad: '' }).length;
    const pad = 'x'.repeat(2048 - atLimit);
    const fits = JSON.stringify({ action: 'queued', pad });

    const accepted = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: fits,
    });
    const tooLarge = await postDelivery(app, {
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: `${fits} `,
    });

    expect(new TextEncoder().encode(fits).byteLength).toBe(2048);
    expect(accepted.status).toBe(202);
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: 'payload_too_large' });
    expect(intake.received).toHaveLength(1);
  });

  it('logs one line per delivery with the fields an operator searches by', async () => {
    const { app, logger } = createAppFixture();
    const deliveryId = newDeliveryId();
    const payload = workflowJobPayload({
      action: 'queued',
      installationId: 4242,
      jobId: 12,
      labels: ['self-hosted', 'linux', 'x64', 'small'],
    });

    await postDelivery(app, {
      event: 'workflow_job',
      deliveryId,
      body: JSON.stringify(payload),
    });

    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({
      level: 'info',
      fields: {
        delivery_id: deliveryId,
        event: 'workflow_job',
        action: 'queued',
        installation_id: 4242,
        status: 'accepted',
        reason: 'job_event_queued',
        duration_ms: expect.any(Number),
      },
    });
  });

  it('counts deliveries by event and outcome', async () => {
    const { app, metrics, intake } = createAppFixture();
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));
    const repeated = newDeliveryId();

    await postDelivery(app, { event: 'workflow_job', deliveryId: repeated, body });
    await postDelivery(app, { event: 'workflow_job', deliveryId: repeated, body });
    await postDelivery(app, { event: 'workflow_job', deliveryId: newDeliveryId(), body });
    intake.answer = async () => ({ status: 'ignored', reason: 'no_matching_tier' });
    await postDelivery(app, { event: 'workflow_job', deliveryId: newDeliveryId(), body });
    await postDelivery(app, { event: 'Not An Event!', deliveryId: newDeliveryId(), body });

    const lines = metrics.render().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '# TYPE ghr_webhook_deliveries_total counter',
        'ghr_webhook_deliveries_total{event="workflow_job",outcome="accepted"} 2',
        'ghr_webhook_deliveries_total{event="workflow_job",outcome="duplicate"} 1',
        'ghr_webhook_deliveries_total{event="workflow_job",outcome="ignored"} 1',
        'ghr_webhook_deliveries_total{event="other",outcome="ignored"} 1',
      ]),
    );
  });
});
