import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlatformError } from '../core/errors.js';

/** Anything with a fetch handler, such as the app from `createHttpApp`. */
export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

/** Where the embedded server listens. */
export interface NodeServerOptions {
  readonly host: string;
  /** 0 picks a free port; `url` then reports the real one. */
  readonly port: number;
  /**
   * How long `close()` waits for in-flight requests before cutting their connections.
   * Defaults to 10 s, the time GitHub waits for a webhook answer.
   */
  readonly shutdownGraceMs?: number;
}

/** A listening server and the way to stop it. */
export interface RunningServer {
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** Serves `app` over HTTP/1.1 on Node; resolves once the port is bound. */
export async function startNodeServer(
  app: FetchApp,
  options: NodeServerOptions,
): Promise<RunningServer> {
  const server = createAdaptorServer({ fetch: (request) => app.fetch(request) }) as Server;
  let closing = false;

  // A connection kept alive after its answer would hold close() open, so once closing
  // starts each one is dropped as soon as its last answer is out.
  server.on('request', (_request, response) => {
    response.on('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  await listen(server, options);

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;

  return {
    url: `http://${host}:${address.port}`,
    close: () => {
      closing = true;
      return closeServer(server, graceMs);
    },
  };
}

function listen(server: Server, options: NodeServerOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      reject(
        new PlatformError(
          'unavailable',
          `starting the HTTP server: could not listen on ${options.host}:${options.port} (${error.message})`,
          { cause: error },
        ),
      );
    };

    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();

  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    deadline.unref();

    server.close((error) => {
      clearTimeout(deadline);
      if (error === undefined) resolve();
      else reject(error);
    });
    server.closeIdleConnections();
  });
}
