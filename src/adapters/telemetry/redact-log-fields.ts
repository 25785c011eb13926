import { PlatformError } from '../../core/errors.js';
import type { LogFields } from '../../core/ports/telemetry.js';

/** What a credential is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Parts of a field name that mark a credential, compared after lower-casing and dropping
 * separators, so `privateKey`, `PRIVATE-KEY` and `installation_token` all match.
 */
const CREDENTIAL_KEY_PARTS = [
  'token',
  'jwt',
  'privatekey',
  'secret',
  'password',
  'authorization',
  'jitconfig',
];

/**
 * Credential shapes that can hide inside free text, such as an error message that quotes a
 * request. A PEM block without its END line (a truncated key) is redacted to the end.
 */
const CREDENTIAL_TEXT_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [^\r\n-]*-----[\s\S]*?(?:-----END [^\r\n-]*-----|$)/g,
  /\bgh[opsur]_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  // JWTs and base64-encoded JSON (an encoded JIT config) both start with `eyJ`, i.e. `{"`.
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /\beyJ[A-Za-z0-9+/]{60,}={0,2}/g,
];

const MAX_DEPTH = 8;

/**
 * Turns log fields into plain JSON-safe values: errors become `{name, message, code,
 * retryable, stack}`, credential-named fields and credential-shaped text become
 * `[redacted]`, cycles and very deep values are cut short.
 */
export function redactLogFields(fields: LogFields): Record<string, unknown> {
  return redactObject(fields, new Set(), 0);
}

/** True when a field name looks like it holds a credential. */
export function isCredentialKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return CREDENTIAL_KEY_PARTS.some((part) => normalised.includes(part));
}

/** Replaces PEM blocks, GitHub tokens and JWT-shaped text in `text`. */
export function redactText(text: string): string {
  return CREDENTIAL_TEXT_PATTERNS.reduce((current, pattern) => {
    return current.replace(pattern, REDACTED);
  }, text);
}

function redactValue(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;

  if (ancestors.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;

  ancestors.add(value);
  const redacted = redactContainer(value, ancestors, depth + 1);
  ancestors.delete(value);
  return redacted;
}

function redactContainer(value: object, ancestors: Set<object>, depth: number): unknown {
  if (value instanceof Error) return serialiseError(value, ancestors, depth);

  if (Array.isArray(value)) return value.map((item) => redactValue(item, ancestors, depth));

  if (hasToJson(value)) return redactValue(value.toJSON(), ancestors, depth);

  return redactObject(value as Record<string, unknown>, ancestors, depth);
}

function redactObject(
  value: Readonly<Record<string, unknown>>,
  ancestors: Set<object>,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isCredentialKey(key) ? REDACTED : redactValue(item, ancestors, depth);
  }
  return out;
}

function serialiseError(
  error: Error,
  ancestors: Set<object>,
  depth: number,
): Record<string, unknown> {
  const withCode = error as Error & { code?: unknown; retryable?: unknown };
  const serialised: Record<string, unknown> = {
    name: error.name,
    message: redactText(error.message),
    code: withCode.code,
    retryable: error instanceof PlatformError ? error.retryable : withCode.retryable,
    stack: error.stack === undefined ? undefined : redactText(error.stack),
  };

  if (error.cause !== undefined) serialised.cause = redactValue(error.cause, ancestors, depth);

  return serialised;
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
