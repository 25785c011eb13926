import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/core/errors.js';
import { startNodeServer } from '../../src/http/node-server.js';
import { exampleOf } from '../support/webhook-payloads.js';
import { waitFor } from './node-client.js';
import { createAppFixture, deliveryHeaders, newDeliveryId } from './webhook-app-fixture.js';

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`);
    return false;
  } catch {
    return true;
  }
}

describe('startNodeServer', () => {
  it('binds a free port for port 0 and reports it in url', async () => {
    const { app } = createAppFixture();
    const server = await startNodeServer(app, { host: '127.0.0.1', port: 0 });

    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.url).not.toMatch(/:0$/);
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('fails with unavailable when the port is taken', async () => {
    const { app } = createAppFixture();
    const first = await startNodeServer(app, { host: '127.0.0.1', port: 0 });
    const port = Number(new URL(first.url).port);

    try {
      const second = startNodeServer(app, { host: '127.0.0.1', port });
      await expect(second).rejects.toBeInstanceOf(PlatformError);
      await expect(second).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      await first.close();
    }
  });

  it('on close stops accepting, finishes the request in flight, then resolves', async () => {
    const { app, intake } = createAppFixture();
    let release: () => void = () => {};
    let inIntake = false;
    intake.answer = async () => {
      inIntake = true;
      await new Promise<void>((resolve) => (release = resolve));
      return { status: 'accepted', reason: 'job_event_queued' };
    };
    const server = await startNodeServer(app, { host: '127.0.0.1', port: 0 });
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));
    const headers = await deliveryHeaders({
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
    });

    const inFlight = fetch(`${server.url}/webhook`, { method: 'POST', headers, body });
    await waitFor(() => inIntake, 'the delivery to reach the intake');
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await waitFor(() => refusesConnections(server.url), 'new connections to be refused');

    expect(closed).toBe(false);
    release();
    const response = await inFlight;
    expect(response.status).toBe(202);
    await closing;
    expect(closed).toBe(true);
    expect(intake.received).toHaveLength(1);
  });
});
