/**
 * GitHub's `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the exact body bytes,
 * keyed with the App's webhook secret. Web Crypto only, so it runs on Node and on Lambda.
 */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** The SHA-1 header GitHub still sends beside the SHA-256 one; never enough on its own. */
export const LEGACY_SIGNATURE_HEADER = 'x-hub-signature';

const SIGNATURE_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;

export type SignatureProblem = 'missing' | 'malformed' | 'mismatch';

/** A signature header read as a digest, or why it could not be. */
export type ParsedSignature =
  | { readonly ok: true; readonly digest: Uint8Array<ArrayBuffer> }
  | { readonly ok: false; readonly problem: SignatureProblem; readonly message: string };

/** What a check of a body against its signature found. */
export type SignatureVerdict =
  | { readonly valid: true }
  | { readonly valid: false; readonly problem: SignatureProblem; readonly message: string };

/** Signs `body` the way GitHub does; returns the whole header value, `sha256=<hex>`. */
export async function signWebhook(secret: string, body: Uint8Array | string): Promise<string> {
  const key = await importSecret(secret, 'sign');
  const mac = await crypto.subtle.sign('HMAC', key, toBytes(body));
  return `sha256=${toHex(new Uint8Array(mac))}`;
}

/** Reads a header value without checking it against a body, so a bad one fails early. */
export function parseSignatureHeader(header: string | null | undefined): ParsedSignature {
  if (header === null || header === undefined || header === '') {
    return { ok: false, problem: 'missing', message: 'X-Hub-Signature-256 is missing' };
  }

  const match = SIGNATURE_FORMAT.exec(header);
  if (match === null) {
    return {
      ok: false,
      problem: 'malformed',
      message: `X-Hub-Signature-256 must be sha256= and 64 hex digits (got ${header.length} characters starting ${JSON.stringify(header.slice(0, 7))})`,
    };
  }

  return { ok: true, digest: fromHex(match[1] as string) };
}

/**
 * Checks `header` against `body` with each secret in turn; any may match, so a secret can be
 * rotated without dropping deliveries. The comparison is Web Crypto's own HMAC verify, which
 * takes the same time however many bytes agree.
 */
export async function verifyWebhookSignature(
  secrets: readonly string[],
  body: Uint8Array,
  header: string | null | undefined,
): Promise<SignatureVerdict> {
  const parsed = parseSignatureHeader(header);
  if (!parsed.ok) return { valid: false, problem: parsed.problem, message: parsed.message };

  const data = toBytes(body);
  for (const secret of secrets) {
    const key = await importSecret(secret, 'verify');
    if (await crypto.subtle.verify('HMAC', key, parsed.digest, data)) return { valid: true };
  }

  return {
    valid: false,
    problem: 'mismatch',
    message: 'X-Hub-Signature-256 does not match the body under any configured webhook secret',
  };
}

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

async function importSecret(secret: string, usage: 'sign' | 'verify'): Promise<HmacKey> {
  return crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    [usage],
  );
}

function toBytes(body: Uint8Array | string): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body.buffer instanceof ArrayBuffer) return body as Uint8Array<ArrayBuffer>;

  // Web Crypto refuses views of shared memory, so only those are copied.
  return new Uint8Array(body);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) {
    bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return bytes;
}
