import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { WebhookIntake } from '../core/delivery.js';
import { PlatformError } from '../core/errors.js';
import type { LogFields, Logger, Metrics } from '../core/ports/telemetry.js';
import { parseWebhookPayload, summarisePayload } from './parse-webhook-payload.js';
import type { BodyBudget } from './body-budget.js';
import type { BodyRead } from './read-body-with-limit.js';
import { declaresBodyOver, readBodyWithLimit } from './read-body-with-limit.js';
import {
  LEGACY_SIGNATURE_HEADER,
  SIGNATURE_HEADER,
  parseSignatureHeader,
  verifyWebhookSignature,
} from './webhook-signature.js';

/** Counts every answered delivery by `event` and `outcome`. */
export const DELIVERIES_METRIC = 'ghr_webhook_deliveries_total';

/** What `POST /webhook` needs; `createHttpApp` fills it from its own options. */
export interface WebhookHandlerOptions {
  readonly webhookSecrets: readonly string[];
  readonly intake: WebhookIntake;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly maxBodyBytes: number;
  /** Shared by every request of the app, so concurrent bodies are bounded too. */
  readonly bodyBudget: BodyBudget;
}

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** How one delivery was answered, gathered so it is logged and counted in one place. */
interface Answer {
  readonly status: ContentfulStatusCode;
  readonly body: Record<string, unknown>;
  /** The `outcome` label, and the `status` of the log line. */
  readonly outcome: string;
  readonly reason: string;
  readonly level: LogLevel;
  /** Whether the body was signed with a configured secret, so its headers may be trusted. */
  readonly verified: boolean;
  readonly fields?: LogFields;
}

/** Headers are attacker-chosen until the signature checks, so log lines keep them short. */
const MAX_LOGGED_HEADER = 128;

/** Event names as GitHub spells them; anything else is one label value, to bound the series. */
const EVENT_NAME = /^[a-z_]{1,64}$/;

/**
 * `POST /webhook`: limit, verify, parse, then hand the delivery to the intake. The cheap
 * header checks come before the body is read, and nothing reaches the intake unverified.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  return async function handleWebhook(c: Context): Promise<Response> {
    const started = performance.now();
    const headers = c.req.raw.headers;
    const event = headers.get('x-github-event') ?? undefined;
    const deliveryId = headers.get('x-github-delivery') ?? undefined;

    const answer = await answerDelivery(c.req.raw, event, deliveryId, options);

    const label = answer.verified && event !== undefined ? eventLabel(event) : 'unverified';
    options.metrics.increment(DELIVERIES_METRIC, { event: label, outcome: answer.outcome });
    options.logger[answer.level]('webhook delivery answered', {
      delivery_id: clip(deliveryId),
      event: clip(event),
      status: answer.outcome,
      reason: answer.reason,
      http_status: answer.status,
      duration_ms: Math.round(performance.now() - started),
      ...answer.fields,
    });

    return c.json(answer.body, answer.status);
  };
}

async function answerDelivery(
  request: Request,
  event: string | undefined,
  deliveryId: string | undefined,
  options: WebhookHandlerOptions,
): Promise<Answer> {
  if (declaresBodyOver(request.headers, options.maxBodyBytes)) {
    return tooLarge(
      options.maxBodyBytes,
      `Content-Length ${request.headers.get('content-length')}`,
    );
  }

  const signature = request.headers.get(SIGNATURE_HEADER);
  const parsedSignature = parseSignatureHeader(signature);
  if (!parsedSignature.ok) {
    const legacyOnly = signature === null && request.headers.has(LEGACY_SIGNATURE_HEADER);
    return signatureInvalid(
      legacyOnly
        ? 'only X-Hub-Signature (SHA-1) was sent; X-Hub-Signature-256 is required'
        : parsedSignature.message,
    );
  }

  if (event === undefined || event === '') return missingHeader('X-GitHub-Event');
  if (deliveryId === undefined || deliveryId === '') return missingHeader('X-GitHub-Delivery');

  let body: BodyRead;
  try {
    body = await readBodyWithLimit(request, options.maxBodyBytes, options.bodyBudget);
  } catch (error) {
    const message = 'reading the webhook body: the stream failed before it ended';
    return { ...invalidInput('body_unreadable', message, false), fields: { err: error } };
  }
  if (!body.ok && body.overBudget) return busy();
  if (!body.ok) return tooLarge(options.maxBodyBytes, `at least ${body.receivedBytes} bytes`);

  const verdict = await verifyWebhookSignature(options.webhookSecrets, body.bytes, signature);
  if (!verdict.valid) return signatureInvalid(verdict.message);

  const parsed = parseWebhookPayload(body.bytes);
  if (!parsed.ok) return invalidInput('body_not_json_object', parsed.message, true);

  const summary = summarisePayload(parsed.payload);
  const answer =
    event === 'ping'
      ? answerPing(parsed.payload)
      : await callIntake(options, event, deliveryId, parsed.payload);

  const fields = { action: summary.action, installation_id: summary.installationId };
  return { ...answer, fields: { ...fields, ...answer.fields } };
}

/** GitHub sends `ping` when the hook is created; it carries no work. */
function answerPing(payload: Readonly<Record<string, unknown>>): Answer {
  return {
    status: 200,
    body: { ok: true, zen: payload.zen },
    outcome: 'ping',
    reason: 'ping',
    level: 'info',
    verified: true,
  };
}

async function callIntake(
  options: WebhookHandlerOptions,
  event: string,
  deliveryId: string,
  payload: unknown,
): Promise<Answer> {
  try {
    const { status, reason } = await options.intake.receive({ event, deliveryId, payload });
    return {
      status: status === 'duplicate' ? 200 : 202,
      body: { status, reason },
      outcome: status,
      reason,
      level: status === 'accepted' ? 'info' : 'debug',
      verified: true,
    };
  } catch (error) {
    if (error instanceof PlatformError && error.code === 'invalid_input') {
      return { ...invalidInput('intake_rejected', error.message, true), fields: { err: error } };
    }

    return {
      status: 500,
      body: { error: 'internal', message: 'the delivery could not be recorded; redeliver it' },
      outcome: 'error',
      reason: 'intake_failed',
      level: 'error',
      verified: true,
      fields: { err: error },
    };
  }
}

function busy(): Answer {
  return {
    status: 503,
    body: {
      error: 'busy',
      message: 'reading the webhook body: too many large bodies are arriving at once; try again',
    },
    outcome: 'busy',
    reason: 'body_budget_exhausted',
    level: 'warn',
    verified: false,
  };
}

function tooLarge(maxBytes: number, seen: string): Answer {
  return {
    status: 413,
    body: {
      error: 'payload_too_large',
      message: `reading the webhook body: it may hold at most ${maxBytes} bytes (got ${seen})`,
    },
    outcome: 'payload_too_large',
    reason: 'payload_too_large',
    level: 'warn',
    verified: false,
  };
}

function signatureInvalid(message: string): Answer {
  return {
    status: 401,
    body: { error: 'signature_invalid', message },
    outcome: 'signature_invalid',
    reason: 'signature_invalid',
    level: 'warn',
    verified: false,
  };
}

function missingHeader(name: string): Answer {
  return invalidInput('header_missing', `the ${name} header is required`, false);
}

function invalidInput(reason: string, message: string, verified: boolean): Answer {
  return {
    status: 400,
    body: { error: 'invalid_input', message },
    outcome: 'invalid_input',
    reason,
    level: 'warn',
    verified,
  };
}

function eventLabel(event: string): string {
  return EVENT_NAME.test(event) ? event : 'other';
}

function clip(value: string | undefined): string | undefined {
  if (value === undefined || value.length <= MAX_LOGGED_HEADER) return value;

  return `${value.slice(0, MAX_LOGGED_HEADER)}…`;
}
