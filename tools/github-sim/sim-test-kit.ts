import {
  createHmac,
  createSign,
  generateKeyPairSync,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startGitHubSimulator } from './start-github-simulator.js';
import type { GitHubSimulator, SimInstallation, SimulatorOptions } from './simulator-types.js';

/** Shared set-up for the simulator's tests: keys, JWTs, a simulator, and a webhook receiver. */

export const APP_ID = 4242;

export const ORG_INSTALLATION: SimInstallation = {
  id: 1001,
  account: { login: 'acme', type: 'Organization' },
  repositories: ['api', 'web'],
};

export const USER_INSTALLATION: SimInstallation = {
  id: 2002,
  account: { login: 'solo-dev', type: 'User' },
  repositories: ['dotfiles'],
};

let keys: { publicKeyPem: string; privateKey: KeyObject } | undefined;

/** One RSA key pair per test file; generating one costs tens of milliseconds. */
export function appKeys(): { publicKeyPem: string; privateKey: KeyObject } {
  if (!keys) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = {
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKey: pair.privateKey,
    };
  }
  return keys;
}

/** An RS256 JWT with exactly these claims. */
export function signJwt(
  claims: Record<string, unknown>,
  privateKey = appKeys().privateKey,
): string {
  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${segment({ alg: 'RS256', typ: 'JWT' })}.${segment(claims)}`;
  const signature = createSign('RSA-SHA256').update(signed).sign(privateKey).toString('base64url');
  return `${signed}.${signature}`;
}

/** A JWT as @octokit/auth-app makes one: iat 30 s back, ten minutes of life. */
export function appJwt(nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  return signJwt({ iss: APP_ID, iat: now - 30, exp: now + 570 });
}

export async function startTestSimulator(
  options: Partial<SimulatorOptions> = {},
  installations: SimInstallation[] = [ORG_INSTALLATION, USER_INSTALLATION],
): Promise<GitHubSimulator> {
  const sim = await startGitHubSimulator({
    appId: APP_ID,
    appPublicKeyPem: appKeys().publicKeyPem,
    ...options,
  });
  for (const installation of installations) sim.addInstallation(installation);
  return sim;
}

export interface ApiReply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One request to the simulator; `auth` is the full Authorization header value. */
export async function api(
  sim: GitHubSimulator,
  route: string,
  options: { auth?: string; body?: unknown; rawBody?: string } = {},
): Promise<ApiReply> {
  const [method, path] = route.split(' ') as [string, string];
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      ...(options.auth ? { authorization: options.auth } : {}),
      ...(options.body !== undefined || options.rawBody
        ? { 'content-type': 'application/json' }
        : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.rawBody ? { body: options.rawBody } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

/** Mints an installation token through the REST API and returns the header to use it. */
export async function tokenFor(sim: GitHubSimulator, installationId: number): Promise<string> {
  const reply = await api(sim, `POST /app/installations/${installationId}/access_tokens`, {
    auth: `Bearer ${appJwt()}`,
  });
  if (reply.status !== 201)
    throw new Error(`minting a token for ${installationId}: ${reply.status}`);
  return `token ${(reply.body as { token: string }).token}`;
}

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  payload: Record<string, unknown>;
  /** The X-Hub-Signature-256 header matched an HMAC of the raw bytes with the secret. */
  signatureValid: boolean;
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  deliveries: ReceivedDelivery[];
  close(): Promise<void>;
}

/** A small HTTP server standing in for the control plane's POST /webhook. */
export async function startWebhookReceiver(secret = 'sim-secret-$"\\'): Promise<WebhookReceiver> {
  const deliveries: ReceivedDelivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      deliveries.push({
        headers: req.headers,
        raw,
        payload: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
        signatureValid: signatureMatches(secret, raw, req.headers['x-hub-signature-256']),
      });
      res.writeHead(202, { 'content-type': 'text/plain' }).end('accepted');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhook`,
    secret,
    deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function signatureMatches(
  secret: string,
  raw: Buffer,
  header: string | string[] | undefined,
): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
  const actual = Buffer.from(header.slice('sha256='.length));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Polls until `condition` holds, failing after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface JitRunner {
  id: number;
  name: string;
  encodedJitConfig: string;
}

/** Registers a JIT runner through the REST API (org scope when `repo` is omitted). */
export async function registerRunner(
  sim: GitHubSimulator,
  installationId: number,
  scope: { owner: string; repo?: string },
  name: string,
  labels: string[],
): Promise<JitRunner> {
  const auth = await tokenFor(sim, installationId);
  let groupId = 1;
  if (scope.repo === undefined) {
    const groups = await api(sim, `GET /orgs/${scope.owner}/actions/runner-groups`, { auth });
    const listed = (groups.body as { runner_groups: { id: number; default: boolean }[] })
      .runner_groups;
    groupId = listed.find((g) => g.default)?.id ?? groupId;
  }
  const base =
    scope.repo === undefined ? `/orgs/${scope.owner}` : `/repos/${scope.owner}/${scope.repo}`;

  const reply = await api(sim, `POST ${base}/actions/runners/generate-jitconfig`, {
    auth,
    body: { name, runner_group_id: groupId, labels },
  });
  if (reply.status !== 201)
    throw new Error(`registering ${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
  const body = reply.body as { runner: { id: number }; encoded_jit_config: string };
  return { id: body.runner.id, name, encodedJitConfig: body.encoded_jit_config };
}

export interface ProtocolReply {
  status: number;
  body: Record<string, unknown>;
}

/** Speaks the runner protocol directly, as the fake runner does, for fast assignment tests. */
export class ProtocolRunner {
  private session: string | undefined;

  constructor(
    private readonly sim: GitHubSimulator,
    private readonly runner: JitRunner,
  ) {}

  async connect(): Promise<ProtocolReply> {
    const config = JSON.parse(
      Buffer.from(this.runner.encodedJitConfig, 'base64').toString('utf8'),
    ) as {
      runner_id: number;
      credential: string;
    };
    const reply = await this.step('connect', {
      runner_id: config.runner_id,
      credential: config.credential,
    });
    if (reply.status === 200) this.session = String(reply.body.session);
    return reply;
  }

  /** 200 with the assigned job, or 204 when none came within `waitMs`. */
  async acquire(waitMs: number): Promise<ProtocolReply> {
    return this.step('acquire', { session: this.session, wait_ms: waitMs });
  }

  async complete(jobId: number): Promise<ProtocolReply> {
    return this.step('complete', { session: this.session, job_id: jobId });
  }

  private async step(name: string, body: Record<string, unknown>): Promise<ProtocolReply> {
    const response = await fetch(`${this.sim.url}/_sim/runner/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }
}
