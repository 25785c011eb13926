/**
 * The public contract of the GitHub simulator: options, the state it exposes to tests, and the
 * handle returned by `startGitHubSimulator`. The demo and the end-to-end tests build on these
 * names and shapes.
 */

export interface SimulatorOptions {
  appId: number;
  /** PEM of the App's public key; JWTs are verified with it (RS256). */
  appPublicKeyPem: string;
  /** Where signed webhooks go (the control plane's POST /webhook), and the secret. */
  webhook?: { url: string; secret: string };
  /** Default 0: a free port on 127.0.0.1. */
  port?: number;
  /** Installation token lifetime, default 1 hour. */
  tokenTtlMs?: number;
  /**
   * The simulator's own clock (ms since epoch); default Date.now. Used for JWT checks, token
   * expiry and the Date header.
   */
  now?: () => number;
}

/** One App installation: a tenant of the control plane. */
export interface SimInstallation {
  id: number;
  account: { login: string; id?: number; type: 'Organization' | 'User' };
  /** Repository names (without owner). */
  repositories: string[];
  suspended?: boolean;
}

/** A scripted misbehaviour of one REST route. */
export interface Fault {
  /**
   * Method and route template, e.g. 'POST /orgs/:org/actions/runners/generate-jitconfig' or
   * 'POST /app/installations/:installation_id/access_tokens'.
   */
  route: string;
  /** Respond with this status instead of handling the request. */
  status?: number;
  /** Response JSON for the fault (a GitHub-like error by default). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Added latency; alone (without status) the request is then handled normally. */
  delayMs?: number;
  /** How many requests it applies to; default: unlimited. */
  times?: number;
  /**
   * Only for requests acting for this installation: made with its token, or, on
   * `/app/installations/:installation_id/...` routes, naming it in the path.
   */
  installationId?: number;
}

/** One REST request the simulator answered (the `/_sim/` runner protocol is not recorded). */
export interface SimRequestRecord {
  method: string;
  /** Method and route template, in the same form as `Fault.route`; `'<METHOD> (unknown)'`. */
  route: string;
  /** The path as requested, without the query string and without an `/api/v3` prefix. */
  path: string;
  status: number;
  /** The installation the request acted for (its token, or the path on App routes). */
  installationId?: number;
  /** The claims of the App JWT, when one was presented and could be decoded. */
  jwt?: { iss: unknown; iat: unknown; exp: unknown };
  /** The simulator's clock when the request arrived. */
  at: number;
}

export interface SimJob {
  id: number;
  runId: number;
  installationId: number;
  /** 'owner/name'. */
  repository: string;
  labels: string[];
  status: 'queued' | 'in_progress' | 'completed';
  runnerName?: string;
  runnerId?: number;
  durationMs: number;
  conclusion?: string;
}

export interface SimRunner {
  id: number;
  name: string;
  installationId: number;
  owner: string;
  /** Set for a repository-level runner. */
  repo?: string;
  labels: string[];
  runnerGroupId?: number;
  status: 'online' | 'offline';
  busy: boolean;
}

export interface WebhookResult {
  deliveryId: string;
  /** The receiver's HTTP status; 0 when it could not be reached. */
  status: number;
  body: string;
}

export interface QueueJobRequest {
  installationId: number;
  /** 'owner/name', or a bare name of one of the installation's repositories. */
  repository: string;
  labels: string[];
  /** How long the fake runner "runs" it; default 100 ms. */
  durationMs?: number;
  /** `false` skips the workflow_job.queued webhook (a missed delivery). */
  send?: boolean;
}

export interface GitHubSimulator {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
  addInstallation(installation: SimInstallation): void;
  /** Runner groups of an org; every org starts with {id: <not 1>, name: 'Default', default: true}. */
  addRunnerGroup(org: string, group: { name: string; default?: boolean }): { id: number };
  /**
   * Sends installation.<action> (created, deleted, suspend, unsuspend,
   * new_permissions_accepted) for a known installation, signed. `suspend`, `unsuspend` and
   * `deleted` change the installation first, as GitHub does.
   */
  sendInstallationEvent(action: string, installationId: number): Promise<WebhookResult>;
  /** Creates a job (queued) and sends workflow_job.queued unless `send` is false. */
  queueJob(job: QueueJobRequest): Promise<{ job: SimJob; webhook?: WebhookResult }>;
  /** Any event and payload, signed; the same deliveryId can be sent twice (redelivery). */
  sendWebhook(
    event: string,
    payload: unknown,
    options?: { deliveryId?: string },
  ): Promise<WebhookResult>;
  jobs(): SimJob[];
  runners(): SimRunner[];
  requests(): SimRequestRecord[];
  /** Installation tokens minted so far, per installation id (all when omitted). */
  tokensMinted(installationId?: number): number;
  injectFault(fault: Fault): void;
  clearFaults(): void;
}
