import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES } from '../../src/http/create-http-app.js';
import type { RunningServer } from '../../src/http/node-server.js';
import { startNodeServer } from '../../src/http/node-server.js';
import { signWebhook } from '../../src/http/webhook-signature.js';
import { exampleOf } from '../support/webhook-payloads.js';
import { streamPost } from './node-client.js';
import type { AppFixture } from './webhook-app-fixture.js';
import { createAppFixture, deliveryHeaders, newDeliveryId } from './webhook-app-fixture.js';

const CHUNK_BYTES = 64 * 1024;
/** Far more than the limit, so stopping early is visible in how much was sent. */
const ENDLESS_BYTES = 256 * 1024 * 1024;

/** A JSON-looking body of `total` bytes, produced a chunk at a time and never held whole. */
function* paddedBody(total: number): Generator<Uint8Array> {
  const chunk = new Uint8Array(CHUNK_BYTES).fill('x'.charCodeAt(0));
  yield new TextEncoder().encode('{"pad":"');
  for (let sent = 0; sent < total; sent += CHUNK_BYTES) yield chunk;
}

describe('POST /webhook body limit, through a real Node server (F1)', () => {
  let fixture: AppFixture;
  let server: RunningServer;

  beforeAll(async () => {
    fixture = createAppFixture();
    server = await startNodeServer(fixture.app, { host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server.close();
  });

  async function headersFor(extra: Record<string, string> = {}) {
    return deliveryHeaders({
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body: '',
      // Well-formed, so the size check is what answers; the digest is checked only after.
      signature: await signWebhook('unrelated', 'x'),
      extraHeaders: extra,
    });
  }

  it('answers 413 to a Content-Length over 25 MB before any of the body is sent', async () => {
    const headers = await headersFor({ 'content-length': String(DEFAULT_MAX_BODY_BYTES + 1) });

    const answer = await streamPost(`${server.url}/webhook`, headers, [], { end: false });

    expect(answer.status).toBe(413);
    expect(answer.sentBeforeAnswer).toBe(0);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'payload_too_large' });
    expect(fixture.intake.received).toEqual([]);
  });

  it('cuts a chunked body off with 413 once it passes 25 MB, long before it ends', async () => {
    const headers = await headersFor();

    const answer = await streamPost(`${server.url}/webhook`, headers, paddedBody(ENDLESS_BYTES));

    expect(answer.status).toBe(413);
    expect(answer.finishedSending).toBe(false);
    expect(answer.sentBeforeAnswer).toBeGreaterThan(DEFAULT_MAX_BODY_BYTES);
    expect(answer.sentBeforeAnswer).toBeLessThan(ENDLESS_BYTES / 2);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: 'payload_too_large',
      message: expect.stringContaining(String(DEFAULT_MAX_BODY_BYTES)),
    });
    expect(fixture.intake.received).toEqual([]);
  });

  it('still accepts a signed chunked delivery afterwards', async () => {
    const body = new TextEncoder().encode(JSON.stringify(exampleOf('workflow_job', 'queued')));
    const headers = await deliveryHeaders({
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
    });
    const halves = [body.subarray(0, 1000), body.subarray(1000)];

    const answer = await streamPost(`${server.url}/webhook`, headers, halves);

    expect(answer.status).toBe(202);
    expect(fixture.intake.received.map((d) => d.payload)).toEqual([
      exampleOf('workflow_job', 'queued'),
    ]);
  });
});
