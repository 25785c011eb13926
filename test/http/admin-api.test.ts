import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import { createMemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import type { MemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import { PrometheusRegistry } from '../../src/adapters/telemetry/prometheus.js';
import { loadOperatorConfig } from '../../src/config/operator-config.js';
import type { Hono } from 'hono';
import { createHttpApp } from '../../src/http/create-http-app.js';
import type { OperatorBackend } from '../../src/operator/operator-backend.js';
import { openSqliteBackend } from '../../src/operator/sqlite-operator-backend.js';
import type { SqliteWorld } from '../cli/cli-harness.js';
import { ghr, sqliteWorld } from '../cli/cli-harness.js';
import { REPORT_AT } from '../operator/operator-world.js';
import { RecordingIntake, SECRET } from './webhook-app-fixture.js';

const TOKEN = 'admin-token-0123456789abcdef-0123456789';

let world: SqliteWorld;
let backend: OperatorBackend;
let logger: MemoryLogger;

beforeEach(async () => {
  world = await sqliteWorld();
  const config = loadOperatorConfig(world.configPath);
  backend = openSqliteBackend({
    path: world.dbPath,
    catalog: config.tiers,
    pricing: config.pricing,
    clock: new ManualClock(REPORT_AT),
    progress: () => {},
  });
  logger = createMemoryLogger();
});
afterEach(async () => {
  await backend.close();
  world.remove();
});

function appWith(admin: boolean): Hono {
  return createHttpApp({
    webhookSecrets: [SECRET],
    intake: new RecordingIntake(),
    logger,
    metrics: new PrometheusRegistry(),
    health: async () => ({ ok: true, checks: {} }),
    ...(admin ? { admin: { token: TOKEN, backend } } : {}),
  });
}

async function call(
  app: Hono,
  path: string,
  init: { method?: string; token?: string | null; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const response = await app.fetch(
    new Request(`http://admin.test${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

describe('the admin API, off by default', () => {
  it('does not exist unless given: every /admin path is 404, even with the token', async () => {
    const app = appWith(false);

    for (const path of ['/admin/tenants', '/admin/tenants/101', '/admin/usage']) {
      expect((await call(app, path)).status).toBe(404);
    }
    expect((await call(app, '/admin/tenants/101/suspend', { method: 'POST' })).status).toBe(404);
    expect((await backend.tenants.get(101))?.status).toBe('active');
  });
});

describe('the admin API, on', () => {
  it.each([
    ['no Authorization header', null],
    ['a wrong token of the same length', `${TOKEN.slice(0, -1)}X`],
    ['the token with one character missing', TOKEN.slice(0, -1)],
    ['the token with one character more', `${TOKEN}0`],
    ['an empty token', ''],
  ])('answers 401 to %s, on reads and on changes, and changes nothing', async (_, token) => {
    const app = appWith(true);

    const read = await call(app, '/admin/tenants', { token });
    const write = await call(app, '/admin/tenants/101/suspend', { method: 'POST', token });

    expect(read.status).toBe(401);
    expect(write.status).toBe(401);
    expect(read.body).toEqual({
      error: 'unauthorized',
      message: 'the admin API needs Authorization: Bearer <token>',
    });
    expect((await backend.tenants.get(101))?.status).toBe('active');
    expect(JSON.stringify(logger.entries)).not.toContain(TOKEN.slice(0, 12));
  });

  it('refuses a token sent any other way than as a bearer token', async () => {
    const app = appWith(true);
    const response = await app.fetch(
      new Request('http://admin.test/admin/tenants', {
        headers: { authorization: `Basic ${TOKEN}` },
      }),
    );

    expect(response.status).toBe(401);
  });

  it('answers reads with the same JSON as the command line', async () => {
    const app = appWith(true);

    for (const [path, args] of [
      ['/admin/tenants?status=active', ['tenants', 'list', '--status', 'active']],
      ['/admin/tenants/101', ['tenants', 'show', '101']],
      [
        '/admin/runners?tenant=101&state=busy',
        ['runners', 'list', '--tenant', '101', '--state', 'busy'],
      ],
      ['/admin/jobs?status=queued', ['jobs', 'list', '--status', 'queued']],
      ['/admin/queues', ['queues']],
      ['/admin/usage?by=day&charge_idle=true', ['usage', '--by', 'day', '--charge-idle']],
    ] as const) {
      const answer = await call(app, path);
      const cli = await ghr([...args, '-o', 'json', ...world.flags]);

      expect(answer.status, path).toBe(200);
      expect(answer.body, path).toEqual(JSON.parse(cli.out));
    }
  });

  it('changes a tenant: tier, limit, suspend and resume', async () => {
    const app = appWith(true);

    const tier = await call(app, '/admin/tenants/101/tier', {
      method: 'POST',
      body: { tier: 'medium' },
    });
    const limit = await call(app, '/admin/tenants/101/limit', {
      method: 'POST',
      body: { max_runners: 1, tier: 'small' },
    });
    const suspended = await call(app, '/admin/tenants/303/suspend', { method: 'POST' });
    const resumed = await call(app, '/admin/tenants/303/resume', { method: 'POST' });

    expect(tier).toMatchObject({
      status: 200,
      body: {
        changes: ['tier: "small" -> "medium"', 'max_runners: 2 -> 5'],
        reconciles_requested: ['small'],
      },
    });
    expect(limit.body['changes']).toEqual(['tier_overrides.small: null -> 1']);
    expect(suspended.body['changes']).toEqual([]);
    expect(resumed.body['changes']).toEqual(['status: "suspended" -> "active"']);
    expect(await backend.tenants.get(101)).toMatchObject({
      tier: 'medium',
      maxRunners: 5,
      tierOverrides: { small: 1 },
    });
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ msg: 'tenant changed through the admin API' }),
    );
  });

  it.each([
    ['/admin/tenants/101/tier', { tier: 'gpu' }, 'tier', '"gpu"'],
    ['/admin/tenants/101/tier', { tier: 'medium', max_runners: -3 }, 'max_runners', '-3'],
    ['/admin/tenants/101/limit', { max_runners: '7x' }, 'max_runners', '"7x"'],
    ['/admin/tenants/101/limit', {}, 'max_runners', 'nothing'],
    ['/admin/tenants/abc/suspend', {}, 'id', '"abc"'],
    ['/admin/tenants/101/tier', '[1,2]', 'body', 'an array'],
    ['/admin/tenants/101/tier', '{nope', 'body', 'not JSON'],
  ])(
    'answers 400 to POST %s %j, naming %s and %s, and changes nothing',
    async (path, body, field, seen) => {
      const app = appWith(true);
      const before = world.snapshot().rows;

      const answer = await call(app, path, { method: 'POST', body });

      expect(answer.status).toBe(400);
      expect(answer.body['field']).toBe(field);
      expect(String(answer.body['message'])).toContain(seen);
      expect(world.snapshot().rows).toEqual(before);
    },
  );

  it('answers 400 to a bad query, and 404 to an unknown tenant', async () => {
    const app = appWith(true);

    const badDate = await call(app, '/admin/usage?since=2024-99-01');
    const unknown = await call(app, '/admin/tenants/4242');
    const unknownChange = await call(app, '/admin/tenants/4242/resume', { method: 'POST' });

    expect(badDate).toMatchObject({ status: 400, body: { field: 'since' } });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(String(unknown.body['message'])).toContain('4242');
    expect(unknownChange.status).toBe(404);
  });

  it('never puts the token or the webhook secret in an answer', async () => {
    const app = appWith(true);
    const paths = ['/admin/tenants', '/admin/tenants/101', '/admin/runners', '/admin/jobs'];
    const answers = await Promise.all(
      [...paths, '/admin/queues', '/admin/usage', '/admin/nothing-here'].map((p) => call(app, p)),
    );

    for (const answer of answers) {
      expect(answer.text).not.toContain(TOKEN);
      expect(answer.text).not.toContain(SECRET);
    }
  });
});
