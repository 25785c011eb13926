import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';

/**
 * An instance metadata service on a loopback port that speaks IMDSv2 only: a session token
 * from `PUT /latest/api/token` (with a TTL header), sent back with every read. Reads without
 * a valid token are refused with 401, as an instance with `HttpTokens=required` does.
 */
export interface FakeImdsOptions {
  readonly instanceId: string;
  readonly region: string;
  /** How many reads one token serves before it counts as expired; unlimited when not given. */
  readonly readsPerToken?: number;
  /** Refuse every token request, as a metadata service that is switched off. */
  readonly refuseTokens?: boolean;
}

export interface ImdsRequest {
  readonly method: string;
  readonly path: string;
  readonly withToken: boolean;
  readonly status: number;
}

export interface FakeImds {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  readonly requests: ImdsRequest[];
  close(): Promise<void>;
}

const MAX_TTL_SECONDS = 21_600;

export async function startFakeImds(options: FakeImdsOptions): Promise<FakeImds> {
  const readsLeft = new Map<string, number>();
  const requests: ImdsRequest[] = [];
  const metadata: Readonly<Record<string, string>> = {
    '/latest/meta-data/instance-id': options.instanceId,
    '/latest/meta-data/placement/region': options.region,
  };

  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '';
    const token = request.headers['x-aws-ec2-metadata-token'];
    const reply = (status: number, body = '') => {
      requests.push({ method: request.method ?? '', path, withToken: token !== undefined, status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    };

    if (request.method === 'PUT' && path === '/latest/api/token') {
      const ttl = Number(request.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (options.refuseTokens) return reply(403);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) return reply(400);
      const issued = randomUUID();
      readsLeft.set(issued, options.readsPerToken ?? Number.POSITIVE_INFINITY);
      return reply(200, issued);
    }
    if (request.method !== 'GET') return reply(405);

    const left = typeof token === 'string' ? readsLeft.get(token) : undefined;
    if (left === undefined || left <= 0) return reply(401);
    readsLeft.set(token as string, left - 1);

    const value = metadata[path];
    return value === undefined ? reply(404) : reply(200, value);
  };

  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
