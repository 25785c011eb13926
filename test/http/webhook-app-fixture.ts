import type { Hono } from 'hono';
import type { MemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import { createMemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import { PrometheusRegistry } from '../../src/adapters/telemetry/prometheus.js';
import type { IntakeOutcome, WebhookDelivery, WebhookIntake } from '../../src/core/delivery.js';
import type { HealthReport } from '../../src/http/create-http-app.js';
import { createHttpApp } from '../../src/http/create-http-app.js';
import { signWebhook } from '../../src/http/webhook-signature.js';

export const SECRET = 'current-webhook-secret';

/**
 * An intake that records each new delivery and answers a redelivery of a known id with
 * `duplicate`, the way the core's delivery log does. `answer` decides the first outcome.
 */
export class RecordingIntake implements WebhookIntake {
  readonly received: WebhookDelivery[] = [];
  answer: (delivery: WebhookDelivery) => Promise<IntakeOutcome> = async () => ({
    status: 'accepted',
    reason: 'job_event_queued',
  });

  async receive(delivery: WebhookDelivery): Promise<IntakeOutcome> {
    if (this.received.some((seen) => seen.deliveryId === delivery.deliveryId)) {
      return { status: 'duplicate', reason: 'delivery_already_recorded' };
    }

    const outcome = await this.answer(delivery);
    this.received.push(delivery);
    return outcome;
  }
}

export interface AppFixture {
  readonly app: Hono;
  readonly intake: RecordingIntake;
  readonly logger: MemoryLogger;
  readonly metrics: PrometheusRegistry;
}

export interface AppFixtureOptions {
  readonly secrets?: readonly string[];
  readonly maxBodyBytes?: number;
  readonly health?: () => Promise<HealthReport>;
}

export function createAppFixture(options: AppFixtureOptions = {}): AppFixture {
  const intake = new RecordingIntake();
  const logger = createMemoryLogger();
  const metrics = new PrometheusRegistry();
  const app = createHttpApp({
    webhookSecrets: options.secrets ?? [SECRET],
    intake,
    logger,
    metrics,
    health: options.health ?? (async () => ({ ok: true, checks: { database: 'ok' } })),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  });
  return { app, intake, logger, metrics };
}

export interface DeliveryInput {
  readonly event?: string;
  readonly deliveryId?: string;
  /** Sent as given; a string is encoded as UTF-8. */
  readonly body: Uint8Array | string;
  /** `sha256=<hex>` to send; defaults to the body signed with {@link SECRET}. */
  readonly signature?: string | null;
  readonly extraHeaders?: Record<string, string>;
}

let deliveryCounter = 0;

/** A fresh GUID-shaped delivery id, like GitHub's. */
export function newDeliveryId(): string {
  deliveryCounter += 1;
  return `7f3c2a10-0000-4000-8000-${String(deliveryCounter).padStart(12, '0')}`;
}

/** Headers GitHub sends with a delivery; `null` leaves a header out. */
export async function deliveryHeaders(input: DeliveryInput): Promise<Record<string, string>> {
  const signature =
    input.signature === undefined ? await signWebhook(SECRET, input.body) : input.signature;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/044aadd',
    ...input.extraHeaders,
  };
  if (input.event !== undefined) headers['x-github-event'] = input.event;
  if (input.deliveryId !== undefined) headers['x-github-delivery'] = input.deliveryId;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return headers;
}

/** POSTs a delivery to the app in process, as a runtime adapter would hand it over. */
export async function postDelivery(app: Hono, input: DeliveryInput): Promise<Response> {
  const body = typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body;
  return app.request('/webhook', {
    method: 'POST',
    headers: await deliveryHeaders(input),
    body,
  });
}
