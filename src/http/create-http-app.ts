import { Hono } from 'hono';
import type { WebhookIntake } from '../core/delivery.js';
import { PlatformError } from '../core/errors.js';
import type { Logger } from '../core/ports/telemetry.js';
import type { PrometheusRegistry } from '../adapters/telemetry/prometheus.js';
import type { AdminApiOptions } from './admin-routes.js';
import { mountAdminRoutes } from './admin-routes.js';
import { createBodyBudget } from './body-budget.js';
import { DELIVERIES_METRIC, createWebhookHandler } from './webhook-handler.js';

/** GitHub caps webhook payloads at 25 MB. */
export const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

/** What `/healthz` reports: each check's name and a short state such as `ok`. */
export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Record<string, string>;
}

/** Everything the HTTP app talks to, injected so each runtime wires its own. */
export interface HttpAppOptions {
  /** The first is current; any of them verifies a delivery, so a secret can be rotated. */
  readonly webhookSecrets: readonly string[];
  readonly intake: WebhookIntake;
  readonly logger: Logger;
  readonly metrics: PrometheusRegistry;
  readonly health: () => Promise<HealthReport>;
  /** Defaults to {@link DEFAULT_MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number;
  /** Bytes of bodies held at once across requests; defaults to 256 MiB. */
  readonly bodyBudgetBytes?: number;
  /** The admin API under `/admin/`; without it, those paths do not exist (404). */
  readonly admin?: AdminApiOptions;
}

/**
 * The HTTP face of the control plane: `POST /webhook`, `GET /healthz`, `GET /metrics`, and
 * the admin API under `/admin/` when it is given.
 * Runtime-neutral, so the same app serves the embedded Node server and the Lambda webhook.
 */
export function createHttpApp(options: HttpAppOptions): Hono {
  assertOptions(options);
  const { logger, metrics } = options;
  metrics.describe(DELIVERIES_METRIC, 'Webhook deliveries by event and outcome.', 'counter');

  const app = new Hono();

  app.post(
    '/webhook',
    createWebhookHandler({
      webhookSecrets: options.webhookSecrets,
      intake: options.intake,
      logger,
      metrics,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      bodyBudget: createBodyBudget(options.bodyBudgetBytes),
    }),
  );

  app.get('/healthz', async function reportHealth(c) {
    const report = await checkHealth(options.health, logger);
    return c.json(report, report.ok ? 200 : 503);
  });

  app.get('/metrics', function renderMetrics(c) {
    return c.body(metrics.render(), 200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  });

  if (options.admin !== undefined) mountAdminRoutes(app, options.admin, logger);

  app.notFound(function answerNotFound(c) {
    const message = `no route for ${c.req.method} ${new URL(c.req.url).pathname}`;
    return c.json({ error: 'not_found', message }, 404);
  });

  app.onError(function answerError(error, c) {
    logger.error('http request failed', { method: c.req.method, path: c.req.path, err: error });
    return c.json({ error: 'internal', message: 'the request failed; see the server log' }, 500);
  });

  return app;
}

async function checkHealth(
  health: () => Promise<HealthReport>,
  logger: Logger,
): Promise<HealthReport> {
  try {
    return await health();
  } catch (error) {
    logger.error('health check threw', { err: error });
    return { ok: false, checks: { health: 'threw; see the server log' } };
  }
}

function assertOptions(options: HttpAppOptions): void {
  const secrets = options.webhookSecrets;
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw new PlatformError(
      'invalid_config',
      `creating the HTTP app: webhookSecrets must hold at least one secret and no empty one (got ${secrets.length} secret(s))`,
    );
  }

  if (options.admin !== undefined && options.admin.token.trim().length === 0) {
    throw new PlatformError(
      'invalid_config',
      'creating the HTTP app: the admin API needs a non-empty token (got an empty one)',
    );
  }

  const max = options.maxBodyBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || max <= 0)) {
    throw new PlatformError(
      'invalid_config',
      `creating the HTTP app: maxBodyBytes must be a positive integer (got ${max})`,
    );
  }
}
