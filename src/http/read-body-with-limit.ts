import type { BodyBudget } from './body-budget.js';

/** A request body read whole, or the point where it passed the limit and reading stopped. */
export type BodyRead =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly receivedBytes: number; readonly overBudget: boolean };

/** True when the request announces a body longer than `maxBytes`, so none of it is read. */
export function declaresBodyOver(headers: Headers, maxBytes: number): boolean {
  const declared = headers.get('content-length');
  if (declared === null || !/^\d+$/.test(declared)) return false;

  return Number(declared) > maxBytes;
}

/**
 * Reads the raw body, counting bytes as they stream in. The count, not `Content-Length`,
 * decides: a chunked body has no length, and a runtime other than Node may not enforce it.
 * Reading stops at the first chunk past the limit, so at most one chunk more is held.
 */
export async function readBodyWithLimit(
  request: Request,
  maxBytes: number,
  budget: BodyBudget,
): Promise<BodyRead> {
  if (request.body === null) return { ok: true, bytes: new Uint8Array(0) };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;

      received += value.byteLength;
      if (received > maxBytes) {
        await stopReading(reader);
        return { ok: false, receivedBytes: received, overBudget: false };
      }
      if (!budget.take(value.byteLength)) {
        received -= value.byteLength;
        await stopReading(reader);
        return { ok: false, receivedBytes: received, overBudget: true };
      }
      chunks.push(value);
    }
    return { ok: true, bytes: concat(chunks, received) };
  } finally {
    // Once whole, a body is checked at once and dropped if unsigned: the budget bounds what
    // waits on the network, which is where a sender can hold memory for as long as it likes.
    budget.give(received);
  }
}

async function stopReading(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    await reader.cancel('request body over the limit');
  } catch {
    // The answer is 413 either way; a stream that fails to cancel has nothing left to say.
  }
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;

  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
