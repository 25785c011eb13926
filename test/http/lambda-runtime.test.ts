import { handle } from 'hono/aws-lambda';
import type { ApiGatewayRequestContextV2, LambdaEvent } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import { exampleOf } from '../support/webhook-payloads.js';
import { createAppFixture, deliveryHeaders, newDeliveryId } from './webhook-app-fixture.js';

/** An API Gateway HTTP API (payload 2.0) event as Lambda receives it. */
function httpApiEvent(
  headers: Record<string, string>,
  body: string,
  isBase64Encoded: boolean,
): LambdaEvent {
  return {
    version: '2.0',
    routeKey: 'POST /webhook',
    rawPath: '/webhook',
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded,
    requestContext: {
      accountId: '123456789012',
      apiId: 'r3pmxmplak',
      authentication: null,
      authorizer: {} as ApiGatewayRequestContextV2['authorizer'],
      domainName: 'r3pmxmplak.execute-api.us-east-2.amazonaws.com',
      domainPrefix: 'r3pmxmplak',
      http: {
        method: 'POST',
        path: '/webhook',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.10',
        userAgent: 'GitHub-Hookshot/044aadd',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'POST /webhook',
      stage: '$default',
      time: '04/Dec/2026:15:00:00 +0000',
      timeEpoch: 1_796_396_400_000,
    },
  };
}

describe('the same app under hono/aws-lambda', () => {
  it.each([
    ['as text', false],
    ['base64-encoded', true],
  ])('verifies and accepts a delivery whose body arrives %s', async (_name, base64) => {
    const { app, intake } = createAppFixture();
    const payload = exampleOf('workflow_job', 'queued');
    const body = JSON.stringify(payload, null, 2);
    const deliveryId = newDeliveryId();
    const headers = await deliveryHeaders({ event: 'workflow_job', deliveryId, body });
    const sent = base64 ? Buffer.from(body, 'utf8').toString('base64') : body;

    const result = await handle(app)(httpApiEvent(headers, sent, base64));

    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toEqual({ status: 'accepted', reason: 'job_event_queued' });
    expect(intake.received).toEqual([{ event: 'workflow_job', deliveryId, payload }]);
  });

  it('answers 401 for an unsigned delivery', async () => {
    const { app, intake } = createAppFixture();
    const body = JSON.stringify(exampleOf('workflow_job', 'queued'));
    const headers = await deliveryHeaders({
      event: 'workflow_job',
      deliveryId: newDeliveryId(),
      body,
      signature: null,
    });

    const result = await handle(app)(httpApiEvent(headers, body, false));

    expect(result.statusCode).toBe(401);
    expect(intake.received).toEqual([]);
  });
});
