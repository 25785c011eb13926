import { AppJwtVerifier } from './app-jwt.js';
import { appRoutes, type AppRouteDeps } from './app-routes.js';
import { FaultBook } from './fault-book.js';
import { JobDispatcher } from './job-dispatch.js';
import { JobLifecycle } from './job-lifecycle.js';
import { jitRoutes } from './jit-routes.js';
import { jobRoutes } from './job-routes.js';
import { RouteTable, type RouteDefinition } from './route-table.js';
import { RunnerProtocol } from './runner-protocol.js';
import { runnerRoutes } from './runner-routes.js';
import { SimServer } from './sim-server.js';
import { SimState } from './sim-state.js';
import type { GitHubSimulator, SimRequestRecord, SimulatorOptions } from './simulator-types.js';
import { installationPayload } from './webhook-payloads.js';
import { WebhookSender } from './webhook-sender.js';

const HOUR_MS = 60 * 60 * 1000;

/** Installation events that change the installation before GitHub announces them. */
const INSTALLATION_CHANGES: Record<
  string,
  (suspendedAt: number | undefined, now: number) => number | undefined
> = {
  suspend: (_suspendedAt, now) => now,
  unsuspend: () => undefined,
};

/** Starts a simulated GitHub on 127.0.0.1 and resolves once it accepts requests. */
export async function startGitHubSimulator(options: SimulatorOptions): Promise<GitHubSimulator> {
  const now = options.now ?? Date.now;
  const state = new SimState();
  const faults = new FaultBook();
  const records: SimRequestRecord[] = [];
  const webhooks = new WebhookSender(options.webhook, options.appId);
  const dispatcher = new JobDispatcher(state, now);

  let url = '';
  const lifecycle = new JobLifecycle(state, dispatcher, webhooks, now, () => url);
  const routes = new RouteTable(
    restRoutes({
      state,
      appId: options.appId,
      now,
      tokenTtlMs: options.tokenTtlMs ?? HOUR_MS,
      url: () => url,
      onRunnerRemoved: (runnerId) => dispatcher.release(runnerId),
    }),
  );
  const server = new SimServer({
    state,
    routes,
    faults,
    verifier: new AppJwtVerifier(options.appId, options.appPublicKeyPem),
    protocol: new RunnerProtocol(state, dispatcher, lifecycle),
    now,
    records,
  });
  url = await server.listen(options.port ?? 0);

  const knownInstallation = (installationId: number) => {
    const installation = state.installations.get(installationId);
    if (!installation)
      throw new Error(`installation ${installationId} is not known to the simulator`);
    return installation;
  };

  return {
    url,
    close: async () => {
      dispatcher.release();
      await server.close();
    },
    addInstallation: (installation) => {
      state.addInstallation(installation, now());
    },
    addRunnerGroup: (org, group) => ({ id: state.addRunnerGroup(org, group).id }),
    sendInstallationEvent: async (action, installationId) => {
      const installation = knownInstallation(installationId);
      const change = INSTALLATION_CHANGES[action];
      if (change) installation.suspendedAt = change(installation.suspendedAt, now());
      if (action === 'deleted') revoke(state, installationId);

      return webhooks.send(
        'installation',
        installationPayload(action, installation, url, options.appId),
      );
    },
    queueJob: async (job) => {
      const queued = await lifecycle.queue(job);
      return {
        job: state.publicJob(queued.job),
        ...(queued.webhook ? { webhook: queued.webhook } : {}),
      };
    },
    sendWebhook: (event, payload, sendOptions) =>
      webhooks.send(event, payload, sendOptions?.deliveryId),
    jobs: () => [...state.jobs.values()].map((j) => state.publicJob(j)),
    runners: () => [...state.runners.values()].map((r) => state.publicRunner(r)),
    requests: () => records.map((r) => ({ ...r })),
    tokensMinted: (installationId) => {
      if (installationId !== undefined) return state.minted.get(installationId) ?? 0;
      return [...state.minted.values()].reduce((sum, n) => sum + n, 0);
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
  };
}

export interface RestRouteDeps extends AppRouteDeps {
  url: () => string;
  onRunnerRemoved: (runnerId: number) => void;
}

/** Every REST operation the simulator serves. */
export function restRoutes(deps: RestRouteDeps): RouteDefinition[] {
  return [
    ...appRoutes(deps),
    ...jitRoutes(deps),
    ...runnerRoutes(deps.state, deps.onRunnerRemoved),
    ...jobRoutes(deps.state),
  ];
}

/** A deleted installation is gone, and so are its tokens. */
function revoke(state: SimState, installationId: number): void {
  state.installations.delete(installationId);
  for (const [token, record] of state.tokens) {
    if (record.installationId === installationId) state.tokens.delete(token);
  }
}
