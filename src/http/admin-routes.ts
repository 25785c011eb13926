import type { Context, Hono } from 'hono';

import { PlatformError } from '../core/errors.js';
import type { Logger } from '../core/ports/telemetry.js';
import type { OperatorBackend } from '../operator/operator-backend.js';
import type { FieldNames } from '../operator/operator-input.js';
import type { OperatorService } from '../operator/operator-service.js';
import { createOperatorService } from '../operator/operator-service.js';
import { requireAdminToken } from './admin-auth.js';

/** The admin API: off unless given, and then only for holders of the token. */
export interface AdminApiOptions {
  /** The bearer token every request must carry. Never log it. */
  readonly token: string;
  /** The backend the operator commands would open, already open. */
  readonly backend: OperatorBackend;
}

/** Inputs as the API names them: path parameters, query parameters and body fields. */
export const ADMIN_FIELD_NAMES: FieldNames = {
  installationId: 'id',
  tenant: 'tenant',
  tier: 'tier',
  maxRunners: 'max_runners',
  limit: 'max_runners',
  status: 'status',
  state: 'state',
  since: 'since',
  until: 'until',
  by: 'by',
  chargeIdle: 'charge_idle',
};

type Body = Readonly<Record<string, unknown>>;

/**
 * Mounts `/admin/...`: the operator commands over HTTP, answering the same JSON views. Bad
 * input is 400 naming the field and the value, an unknown tenant 404, a missing or wrong
 * token 401.
 */
export function mountAdminRoutes(app: Hono, options: AdminApiOptions, logger: Logger): void {
  const operator = createOperatorService(options.backend, ADMIN_FIELD_NAMES);
  const auth = requireAdminToken(options.token, logger);
  app.use('/admin', auth);
  app.use('/admin/*', auth);

  const read = (path: string, answer: (c: Context, op: OperatorService) => Promise<unknown>) =>
    app.get(path, (c) => respond(c, () => answer(c, operator)));
  const change = (path: string, answer: (c: Context, body: Body) => Promise<unknown>) =>
    app.post(path, async (c) => respond(c, async () => answer(c, await jsonBody(c)), logger));

  read('/admin/tenants', (c) => operator.listTenants({ status: c.req.query('status') }));
  read('/admin/tenants/:id', (c) => operator.showTenant({ installationId: c.req.param('id') }));
  read('/admin/runners', (c) =>
    operator.listRunners({
      tenant: c.req.query('tenant'),
      tier: c.req.query('tier'),
      state: c.req.query('state'),
    }),
  );
  read('/admin/jobs', (c) =>
    operator.listJobs({ tenant: c.req.query('tenant'), status: c.req.query('status') }),
  );
  read('/admin/queues', () => operator.queues());
  read('/admin/usage', (c) =>
    operator.usage({
      tenant: c.req.query('tenant'),
      since: c.req.query('since'),
      until: c.req.query('until'),
      by: c.req.query('by'),
      chargeIdle: c.req.query('charge_idle'),
    }),
  );

  change('/admin/tenants/:id/tier', (c, body) =>
    operator.setTier({
      installationId: c.req.param('id'),
      tier: body['tier'],
      maxRunners: body['max_runners'],
    }),
  );
  change('/admin/tenants/:id/limit', (c, body) =>
    operator.setLimit({
      installationId: c.req.param('id'),
      limit: body['max_runners'],
      tier: body['tier'],
    }),
  );
  change('/admin/tenants/:id/suspend', (c) =>
    operator.suspend({ installationId: c.req.param('id') }),
  );
  change('/admin/tenants/:id/resume', (c) =>
    operator.resume({ installationId: c.req.param('id') }),
  );
}

/** Runs one operation; bad input and unknown tenants become 400 and 404, the rest 500. */
async function respond(
  c: Context,
  operation: () => Promise<unknown>,
  changeLog?: Logger,
): Promise<Response> {
  try {
    const view = await operation();
    const changes = (view as { changes?: readonly string[] }).changes;
    if (changeLog !== undefined && changes !== undefined && changes.length > 0) {
      changeLog.info('tenant changed through the admin API', { path: c.req.path, changes });
    }
    return c.json(view as object, 200);
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    if (error.code === 'not_found')
      return c.json({ error: 'not_found', message: error.message }, 404);
    if (error.code !== 'invalid_input') throw error;

    const field = typeof error.details['field'] === 'string' ? error.details['field'] : null;
    return c.json({ error: 'invalid_input', field, message: error.message }, 400);
  }
}

/** The request's JSON object; an empty body is an empty object. */
async function jsonBody(c: Context): Promise<Body> {
  const text = await c.req.text();
  if (text.trim() === '') return {};

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PlatformError('invalid_input', 'the body must be a JSON object (it is not JSON)', {
      details: { field: 'body' },
    });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PlatformError(
      'invalid_input',
      `the body must be a JSON object (got ${Array.isArray(body) ? 'an array' : typeof body})`,
      { details: { field: 'body' } },
    );
  }
  return body as Body;
}
