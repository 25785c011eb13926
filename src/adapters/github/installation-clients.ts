import { Octokit } from '@octokit/core';
import { throttling } from '@octokit/plugin-throttling';

import type { Logger } from '../../core/ports/telemetry.js';
import { appAuth, type AppCredentials } from './app-auth.js';
import { toPlatformError } from './github-errors.js';
import { toOctokitLog } from './octokit-log.js';
import { createRateLimitGate, type RateLimitGate } from './rate-limit-gate.js';

const ThrottledOctokit = Octokit.plugin(throttling);

/** An Octokit with auth-app and throttling, acting for the App or for one installation. */
export type GitHubClient = InstanceType<typeof ThrottledOctokit>;

/** Rate-limited calls are retried this often before the work goes back to the queue. */
const MAX_RATE_LIMIT_RETRIES = 2;

/** A call waits out a rate limit this long at most; a longer one is the queue's to wait. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

const USER_AGENT = 'tenant-runners';

export interface ClientConfig {
  readonly credentials: AppCredentials;
  readonly baseUrl: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * The Octokits the adapter talks through: one signed as the App, and one per installation,
 * made on first use and kept. Each has its own throttling id, token cache and rate-limit
 * gate, so a limited installation pauses only itself.
 */
export interface InstallationClients {
  readonly app: GitHubClient;
  forInstallation(installationId: number): GitHubClient;
}

export function createInstallationClients(config: ClientConfig): InstallationClients {
  const byInstallation = new Map<number, GitHubClient>();

  return {
    app: createClient(config, undefined),

    forInstallation(installationId) {
      const known = byInstallation.get(installationId);
      if (known) return known;

      const client = createClient(config, installationId);
      byInstallation.set(installationId, client);
      return client;
    },
  };
}

function createClient(config: ClientConfig, installationId: number | undefined): GitHubClient {
  const logger =
    installationId === undefined
      ? config.logger
      : config.logger.child({ installation_id: installationId });
  const log = toOctokitLog(logger);
  const gate = createRateLimitGate({
    now: config.now,
    sleep: config.sleep,
    maxWaitMs: MAX_RATE_LIMIT_WAIT_MS,
  });
  const onLimit = rateLimitHandler(logger, gate);

  const client = new ThrottledOctokit({
    baseUrl: config.baseUrl,
    userAgent: USER_AGENT,
    log,
    ...appAuth(config.credentials, installationId, log),
    throttle: {
      // The plugin's queues are process-wide and keyed by this id, so each installation (and
      // the App itself) gets a key of its own per GitHub host.
      id: throttleId(config, installationId),
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
    },
  });

  client.hook.wrap('request', async (request, options) => {
    const call = { method: options.method, route: options.url };
    await gate.pass(`calling GitHub ${call.method} ${call.route}`);

    try {
      const response = await request(options);
      logger.debug('GitHub call answered', { ...call, status: response.status });
      return response;
    } catch (error) {
      const failure = toPlatformError(
        error,
        `calling GitHub ${call.method} ${call.route}`,
        config.now,
      );
      logger.debug('GitHub call failed', { ...call, status: failure.details['status'] });
      // Limits that the throttling plugin does not recognise still pause the installation.
      if (failure.code === 'throttled' && failure.retryAfterMs !== undefined) {
        gate.pause(failure.retryAfterMs);
      }
      throw error;
    }
  });

  return client;
}

function throttleId(config: ClientConfig, installationId: number | undefined): string {
  if (installationId === undefined) return `${config.baseUrl} app ${config.credentials.appId}`;
  return `${config.baseUrl} installation ${installationId}`;
}

/**
 * Decides, for the throttling plugin, whether a rate-limited call is retried after the wait
 * GitHub asked for. The installation's gate is paused either way, so calls started meanwhile
 * wait for the reset too.
 */
function rateLimitHandler(logger: Logger, gate: RateLimitGate) {
  return (
    retryAfterSeconds: number,
    options: { method: string; url: string },
    _octokit: unknown,
    retryCount: number,
  ): boolean => {
    const waitMs = retryAfterSeconds * 1000;
    gate.pause(waitMs);

    const willRetry = retryCount < MAX_RATE_LIMIT_RETRIES && waitMs <= MAX_RATE_LIMIT_WAIT_MS;
    logger.warn('GitHub rate limit reached', {
      method: options.method,
      route: options.url,
      retry_after_seconds: retryAfterSeconds,
      retry_count: retryCount,
      will_retry: willRetry,
    });
    return willRetry;
  };
}
