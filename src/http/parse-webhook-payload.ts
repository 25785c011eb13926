import { locateJsonSyntaxError } from './locate-json-syntax-error.js';

/** A webhook body read as a JSON object, or why it is not one. */
export type PayloadParse =
  | { readonly ok: true; readonly payload: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly message: string };

/** The fields every log line about a delivery carries, when the payload has them. */
export interface PayloadSummary {
  readonly action: string | undefined;
  readonly installationId: number | undefined;
}

/** Decodes the body as UTF-8 and parses it; GitHub always sends a JSON object. */
export function parseWebhookPayload(bytes: Uint8Array): PayloadParse {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: 'parsing the webhook body: it is not valid UTF-8' };
  }

  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: describeJsonFailure(text, error) };
  }

  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    const kind = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload;
    return { ok: false, message: `parsing the webhook body: expected a JSON object (got ${kind})` };
  }

  return { ok: true, payload: payload as Record<string, unknown> };
}

/** Reads `action` and `installation.id` when present, for log lines. */
export function summarisePayload(payload: Readonly<Record<string, unknown>>): PayloadSummary {
  const action = typeof payload.action === 'string' ? payload.action : undefined;
  const installation = payload.installation as { id?: unknown } | null | undefined;
  const id =
    typeof installation === 'object' && installation !== null ? installation.id : undefined;

  return { action, installationId: typeof id === 'number' ? id : undefined };
}

function describeJsonFailure(text: string, error: unknown): string {
  const where = locateJsonSyntaxError(text);
  if (where === undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    return `parsing the webhook body as JSON failed: ${reason}`;
  }

  return (
    `parsing the webhook body as JSON failed at line ${where.line}, column ${where.column} ` +
    `(offset ${where.offset}): expected ${where.expected}, found ${where.found}`
  );
}
