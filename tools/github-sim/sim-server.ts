import { randomBytes } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { peekJwtClaims, type AppJwtVerifier } from './app-jwt.js';
import type { FaultBook } from './fault-book.js';
import { RateLimits } from './rate-limits.js';
import type { RouteMatch, RouteTable } from './route-table.js';
import type { RunnerProtocol } from './runner-protocol.js';
import { DOCS_URL, githubError, notFound, type SimResponse } from './sim-response.js';
import type { InstallationRecord, SimState } from './sim-state.js';
import type { Fault, SimRequestRecord } from './simulator-types.js';

/** GitHub Enterprise Server serves the same API under this prefix. */
const GHES_PREFIX = '/api/v3';
const CLOSE_GRACE_MS = 2_000;

export interface SimServerDeps {
  state: SimState;
  routes: RouteTable;
  faults: FaultBook;
  verifier: AppJwtVerifier;
  protocol: RunnerProtocol;
  now: () => number;
  records: SimRequestRecord[];
}

interface Credential {
  scheme: 'token' | 'bearer';
  value: string;
}

type Authenticated =
  | { ok: true; installation: InstallationRecord | undefined; identity: string }
  | { ok: false; response: SimResponse; identity: string };

/** The HTTP front of the simulator: GitHub's headers, faults, auth, routing and the request log. */
export class SimServer {
  private readonly server = createServer((req, res) => void this.serve(req, res));
  private readonly rateLimits: RateLimits;
  private baseUrl = '';

  constructor(private readonly deps: SimServerDeps) {
    this.rateLimits = new RateLimits(deps.now);
  }

  get url(): string {
    return this.baseUrl;
  }

  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const { port: actual } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${actual}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    // A client that keeps its connection alive after its last answer must not hold up close.
    const force = setTimeout(() => this.server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(force);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.handle(req, res);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) write(res, githubError(500, `simulator error: ${message}`), {});
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.deps.now();
    const method = req.method ?? 'GET';
    const requestUrl = new URL(req.url ?? '/', this.baseUrl);
    const prefix = requestUrl.pathname.startsWith(`${GHES_PREFIX}/`) ? GHES_PREFIX : '';
    const path = requestUrl.pathname.slice(prefix.length);
    const raw = await readBody(req);

    if (path.startsWith('/_sim/')) {
      const response = await this.deps.protocol.handle(
        method,
        path,
        parseObject(raw),
        closedSignal(res),
      );
      // The runner protocol is not GitHub's API and counts against no rate limit.
      write(res, response, this.standardHeaders(undefined));
      return;
    }

    const match = this.deps.routes.match(method, path);
    const credential = readCredential(req.headers.authorization);
    const actingFor = this.actingInstallation(match, credential);
    const { response, identity } = await this.respond(
      match,
      credential,
      actingFor,
      raw,
      requestUrl,
      prefix,
    );

    write(res, response, this.standardHeaders(identity));

    const claims =
      credential?.value.split('.').length === 3 ? peekJwtClaims(credential.value) : undefined;
    this.deps.records.push({
      method,
      route: match ? match.key : `${method} (unknown)`,
      path,
      status: response.status,
      ...(actingFor === undefined ? {} : { installationId: actingFor }),
      ...(claims ? { jwt: { iss: claims.iss, iat: claims.iat, exp: claims.exp } } : {}),
      at,
    });
  }

  private async respond(
    match: RouteMatch | undefined,
    credential: Credential | undefined,
    actingFor: number | undefined,
    raw: Buffer,
    requestUrl: URL,
    prefix: string,
  ): Promise<{ response: SimResponse; identity: string }> {
    if (!match) return { response: notFound(), identity: 'anonymous' };

    const fault = this.deps.faults.take(match.key, actingFor);
    if (fault?.delayMs) await sleep(fault.delayMs);

    const auth = this.authenticate(match, credential);
    if (fault?.status !== undefined)
      return { response: faultResponse(fault), identity: auth.identity };
    if (!auth.ok) return { response: auth.response, identity: auth.identity };

    const body = parseJson(raw);
    if (body instanceof Error) {
      return { response: githubError(400, 'Problems parsing JSON'), identity: auth.identity };
    }
    const response = await match.route.handle({
      params: match.params,
      query: requestUrl.searchParams,
      body,
      installation: auth.installation,
      api: `${this.baseUrl}${prefix}`,
      requestUrl,
    });
    return { response, identity: auth.identity };
  }

  private authenticate(match: RouteMatch, credential: Credential | undefined): Authenticated {
    const { state, verifier, now } = this.deps;

    if (match.route.auth === 'app') {
      const check =
        credential?.scheme === 'bearer' ? verifier.check(credential.value, now()) : undefined;
      if (check?.ok) return { ok: true, installation: undefined, identity: 'app' };
      const message = check?.message ?? 'A JSON web token could not be decoded';
      return { ok: false, response: githubError(401, message), identity: 'anonymous' };
    }

    if (!credential) {
      return {
        ok: false,
        response: githubError(401, 'Requires authentication'),
        identity: 'anonymous',
      };
    }
    const token = state.tokens.get(credential.value);
    const installation = token ? state.installations.get(token.installationId) : undefined;
    if (!token || token.expiresAt <= now() || !installation) {
      return { ok: false, response: githubError(401, 'Bad credentials'), identity: 'anonymous' };
    }

    const identity = `installation:${installation.id}`;
    if (installation.suspendedAt !== undefined) {
      return {
        ok: false,
        response: githubError(403, 'This installation has been suspended'),
        identity,
      };
    }
    return { ok: true, installation, identity };
  }

  /** The installation a request acts for: its token's, or the one named on App routes. */
  private actingInstallation(match: RouteMatch | undefined, credential: Credential | undefined) {
    const fromToken = credential
      ? this.deps.state.tokens.get(credential.value)?.installationId
      : undefined;
    if (fromToken !== undefined) return fromToken;

    const named = match?.params.installation_id;
    return named !== undefined && /^\d+$/.test(named) ? Number(named) : undefined;
  }

  private standardHeaders(identity: string | undefined): Record<string, string> {
    return {
      date: new Date(this.deps.now()).toUTCString(),
      'x-github-request-id': requestId(),
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      ...(identity === undefined ? {} : this.rateLimits.count(identity)),
    };
  }
}

function faultResponse(fault: Fault): SimResponse {
  const status = fault.status as number;
  const body = fault.body ?? {
    message: STATUS_CODES[status] ?? 'Injected fault',
    documentation_url: DOCS_URL,
    status: String(status),
  };
  return { status, body, ...(fault.headers ? { headers: fault.headers } : {}) };
}

function write(res: ServerResponse, response: SimResponse, standard: Record<string, string>): void {
  const headers: Record<string, string> = { ...standard };
  // A fault's own headers (e.g. x-ratelimit-remaining: 0) replace the standard ones.
  for (const [name, value] of Object.entries(response.headers ?? {}))
    headers[name.toLowerCase()] = value;

  const hasBody = response.body !== undefined && response.status !== 204;
  if (hasBody) headers['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(response.status, headers);
  res.end(hasBody ? JSON.stringify(response.body) : undefined);
}

function readCredential(header: string | undefined): Credential | undefined {
  const match = /^(token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  return {
    scheme: (match[1] as string).toLowerCase() as Credential['scheme'],
    value: match[2] as string,
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function parseObject(raw: Buffer): Record<string, unknown> {
  const value = parseJson(raw);
  return typeof value === 'object' && value !== null && !(value instanceof Error)
    ? (value as Record<string, unknown>)
    : {};
}

/** Aborts when the client goes away before its answer, ending a runner's long poll. */
function closedSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

function requestId(): string {
  const hex = randomBytes(12).toString('hex').toUpperCase();
  return `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 14)}:${hex.slice(14, 20)}:${hex.slice(20)}`;
}
