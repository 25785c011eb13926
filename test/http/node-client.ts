import { request } from 'node:http';

/** What the client saw: the answer, and how much of the body it had sent when it arrived. */
export interface StreamedAnswer {
  readonly status: number;
  readonly body: string;
  /** Body bytes handed to the socket before the response headers arrived. */
  readonly sentBeforeAnswer: number;
  /** Whether the client ran out of body to send before the answer came. */
  readonly finishedSending: boolean;
}

/**
 * POSTs `chunks` to `url` with Node's own client, waiting for the socket to drain between
 * writes, and stops sending as soon as an answer arrives. Without `content-length` in
 * `headers` the body goes out chunked. With `end: false` the request is left open after the
 * chunks, so only an answer that does not wait for the rest of the body can settle it.
 */
export function streamPost(
  url: string,
  headers: Record<string, string>,
  chunks: Iterable<Uint8Array>,
  options: { readonly end?: boolean } = {},
): Promise<StreamedAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers });
    let sent = 0;
    let answered = false;
    let finishedSending = false;

    outgoing.on('response', (incoming) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const parts: Buffer[] = [];
      incoming.on('data', (part: Buffer) => parts.push(part));
      incoming.on('end', () => {
        outgoing.destroy();
        const body = Buffer.concat(parts).toString('utf8');
        resolve({ status: incoming.statusCode ?? 0, body, sentBeforeAnswer, finishedSending });
      });
    });
    outgoing.on('error', (error) => {
      // The server may close the socket once it has answered; only an error before that counts.
      if (!answered) reject(error);
    });

    const pump = async () => {
      for (const chunk of chunks) {
        if (answered || outgoing.destroyed) return;
        sent += chunk.byteLength;
        if (!outgoing.write(chunk)) await drained(outgoing);
      }
      finishedSending = true;
      if (options.end === false) outgoing.flushHeaders();
      else outgoing.end();
    };
    pump().catch(reject);
  });
}

function drained(outgoing: ReturnType<typeof request>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off('drain', done);
      outgoing.off('close', done);
      outgoing.off('response', done);
      resolve();
    };
    outgoing.on('drain', done);
    outgoing.on('close', done);
    outgoing.on('response', done);
  });
}

/** Polls `condition` until it holds, failing after `timeoutMs`; no fixed sleeps in tests. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
