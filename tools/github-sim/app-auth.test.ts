import { generateKeyPairSync } from 'node:crypto';

import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { afterEach, describe, expect, it } from 'vitest';

import { JWT_MESSAGES } from './app-jwt.js';
import {
  APP_ID,
  ORG_INSTALLATION,
  USER_INSTALLATION,
  api,
  appJwt,
  appKeys,
  signJwt,
  startTestSimulator,
  tokenFor,
} from './sim-test-kit.js';
import type { GitHubSimulator } from './simulator-types.js';

let sim: GitHubSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const nowS = () => Math.floor(Date.now() / 1000);

describe('App JWT', () => {
  it('accepts a JWT signed with the App key, with iss as a number or a string', async () => {
    sim = await startTestSimulator();
    const asNumber = await api(sim, 'GET /app', { auth: `Bearer ${appJwt()}` });
    const asString = signJwt({ iss: String(APP_ID), iat: nowS() - 30, exp: nowS() + 500 });

    expect(asNumber.status).toBe(200);
    expect(asNumber.body).toMatchObject({ id: APP_ID, installations_count: 2 });
    expect((await api(sim, 'GET /app', { auth: `Bearer ${asString}` })).status).toBe(200);
  });

  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  it.each([
    [
      'iat in the future',
      () => signJwt({ iss: APP_ID, iat: nowS() + 60, exp: nowS() + 600 }),
      JWT_MESSAGES.iatInFuture,
    ],
    [
      'iat not an integer',
      () => signJwt({ iss: APP_ID, iat: nowS() - 0.5, exp: nowS() + 500 }),
      JWT_MESSAGES.iatInFuture,
    ],
    [
      'a lifetime over 600 s',
      () => signJwt({ iss: APP_ID, iat: nowS() - 30, exp: nowS() + 600 }),
      JWT_MESSAGES.expTooFar,
    ],
    [
      'exp in the past',
      () => signJwt({ iss: APP_ID, iat: nowS() - 700, exp: nowS() - 100 }),
      JWT_MESSAGES.expired,
    ],
    [
      'another key',
      () => signJwt({ iss: APP_ID, iat: nowS() - 30, exp: nowS() + 500 }, otherKey),
      JWT_MESSAGES.undecodable,
    ],
    [
      'another issuer',
      () => signJwt({ iss: APP_ID + 1, iat: nowS() - 30, exp: nowS() + 500 }),
      JWT_MESSAGES.undecodable,
    ],
    ['no JWT at all', () => 'not-a-jwt', JWT_MESSAGES.undecodable],
  ])('rejects %s with 401 and GitHub’s message', async (_case, makeJwt, message) => {
    sim = await startTestSimulator();

    const reply = await api(sim, 'GET /app', { auth: `Bearer ${makeJwt()}` });

    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ message, documentation_url: expect.any(String) });
  });

  it('rejects an installation token on an App route', async () => {
    sim = await startTestSimulator();
    const token = await tokenFor(sim, ORG_INSTALLATION.id);

    expect((await api(sim, 'GET /app', { auth: token })).status).toBe(401);
  });

  it.each([
    ['90 s behind', -90_000],
    ['700 s ahead', 700_000],
  ])('lets @octokit/auth-app correct a clock %s on its one retry', async (_case, skewMs) => {
    sim = await startTestSimulator({ now: () => Date.now() + skewMs });
    const privateKey = appKeys().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const warnings: string[] = [];
    const octokit = new Octokit({
      baseUrl: sim.url,
      authStrategy: createAppAuth,
      auth: { appId: APP_ID, privateKey },
      log: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => warnings.push(m),
        error: () => {},
      },
    });

    const reply = await octokit.request('GET /app');

    expect(reply.data).toMatchObject({ id: APP_ID });
    expect(sim.requests().map((r) => r.status)).toEqual([401, 200]);
    expect(warnings.join('\n')).toMatch(/time are different by -?\d+ seconds/);
  });

  it('records the claims of each JWT it was shown', async () => {
    sim = await startTestSimulator();
    const iat = nowS() - 30;

    await api(sim, 'GET /app', { auth: `Bearer ${signJwt({ iss: APP_ID, iat, exp: iat + 600 })}` });

    expect(sim.requests()[0]?.jwt).toEqual({ iss: APP_ID, iat, exp: iat + 600 });
  });
});

describe('installations and tokens', () => {
  it('mints a token for a known installation and counts it', async () => {
    sim = await startTestSimulator();

    const reply = await api(sim, `POST /app/installations/${ORG_INSTALLATION.id}/access_tokens`, {
      auth: `Bearer ${appJwt()}`,
    });

    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      token: expect.stringMatching(/^ghs_\w{36}$/),
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      permissions: expect.objectContaining({ organization_self_hosted_runners: 'write' }),
      repository_selection: 'selected',
    });
    expect(sim.tokensMinted(ORG_INSTALLATION.id)).toBe(1);
    expect(sim.tokensMinted(USER_INSTALLATION.id)).toBe(0);
    expect(sim.tokensMinted()).toBe(1);
  });

  it('answers 404 for an unknown installation and 403 for a suspended one', async () => {
    sim = await startTestSimulator({}, [
      ORG_INSTALLATION,
      { ...USER_INSTALLATION, suspended: true },
    ]);
    const auth = `Bearer ${appJwt()}`;

    const unknown = await api(sim, 'POST /app/installations/999/access_tokens', { auth });
    const suspended = await api(
      sim,
      `POST /app/installations/${USER_INSTALLATION.id}/access_tokens`,
      { auth },
    );
    const lookup = await api(sim, 'GET /app/installations/999', { auth });

    expect(unknown.status).toBe(404);
    expect(lookup.status).toBe(404);
    expect(suspended.status).toBe(403);
    expect(sim.tokensMinted()).toBe(0);
  });

  it('accepts a token as `token X` and as `Bearer X`, and refuses unknown ones', async () => {
    sim = await startTestSimulator();
    const token = (await tokenFor(sim, ORG_INSTALLATION.id)).slice('token '.length);
    const path = 'GET /orgs/acme/actions/runners';

    expect((await api(sim, path, { auth: `token ${token}` })).status).toBe(200);
    expect((await api(sim, path, { auth: `Bearer ${token}` })).status).toBe(200);
    const bad = await api(sim, path, { auth: 'token ghs_not-a-real-token' });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ message: 'Bad credentials' });
  });

  it('expires a token after its lifetime by the simulator’s clock', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    sim = await startTestSimulator({ now: () => clock, tokenTtlMs: 60_000 });
    const reply = await api(sim, `POST /app/installations/${ORG_INSTALLATION.id}/access_tokens`, {
      auth: `Bearer ${appJwt(clock)}`,
    });
    const { token, expires_at } = reply.body as { token: string; expires_at: string };
    const path = 'GET /orgs/acme/actions/runners';

    expect(expires_at).toBe('2030-01-01T00:01:00Z');
    clock += 59_000;
    expect((await api(sim, path, { auth: `token ${token}` })).status).toBe(200);
    clock += 1_000;
    const expired = await api(sim, path, { auth: `token ${token}` });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ message: 'Bad credentials' });
  });

  it.each([
    ['another installation’s org', ORG_INSTALLATION.id, 'GET /orgs/solo-dev/actions/runners'],
    [
      'a repository of another account',
      ORG_INSTALLATION.id,
      'GET /repos/solo-dev/dotfiles/actions/runners',
    ],
    [
      'a repository outside the installation',
      ORG_INSTALLATION.id,
      'GET /repos/acme/secret/actions/runners',
    ],
    ['org endpoints of a User account', USER_INSTALLATION.id, 'GET /orgs/solo-dev/actions/runners'],
    ['org endpoints of another org', USER_INSTALLATION.id, 'GET /orgs/acme/actions/runner-groups'],
  ])('hides %s from a token (404)', async (_case, installationId, route) => {
    sim = await startTestSimulator();
    const auth = await tokenFor(sim, installationId);

    expect((await api(sim, route, { auth })).status).toBe(404);
  });

  it('lists installations page by page with Link headers', async () => {
    const installations = [1, 2, 3].map((n) => ({
      id: n,
      account: { login: `org-${n}`, type: 'Organization' as const },
      repositories: ['app'],
    }));
    sim = await startTestSimulator({}, installations);
    const auth = `Bearer ${appJwt()}`;

    const first = await api(sim, 'GET /app/installations?per_page=2', { auth });
    const second = await api(sim, 'GET /app/installations?per_page=2&page=2', { auth });

    expect((first.body as { id: number }[]).map((i) => i.id)).toEqual([1, 2]);
    expect(first.headers.get('link')).toBe(
      `<${sim.url}/app/installations?per_page=2&page=2>; rel="next", ` +
        `<${sim.url}/app/installations?per_page=2&page=2>; rel="last"`,
    );
    expect((second.body as { id: number }[]).map((i) => i.id)).toEqual([3]);
    expect(second.headers.get('link')).toContain('rel="prev"');
    expect(second.headers.get('link')).not.toContain('rel="next"');
  });

  it('reports an installation’s account and suspension', async () => {
    sim = await startTestSimulator({}, [{ ...USER_INSTALLATION, suspended: true }]);

    const reply = await api(sim, `GET /app/installations/${USER_INSTALLATION.id}`, {
      auth: `Bearer ${appJwt()}`,
    });

    expect(reply.body).toMatchObject({
      id: USER_INSTALLATION.id,
      app_id: APP_ID,
      account: { login: 'solo-dev', type: 'User' },
      target_type: 'User',
      suspended_at: expect.any(String),
    });
  });
});

describe('standard headers', () => {
  it('dates every answer by the simulator’s clock and reports the rate limit', async () => {
    const clock = Date.parse('2031-05-06T07:08:09Z');
    sim = await startTestSimulator({ now: () => clock });

    const first = await api(sim, 'GET /app', { auth: `Bearer ${appJwt(clock)}` });
    const second = await api(sim, 'GET /nowhere');

    expect(first.headers.get('date')).toBe('Tue, 06 May 2031 07:08:09 GMT');
    expect(second.headers.get('date')).toBe('Tue, 06 May 2031 07:08:09 GMT');
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(first.headers.get('x-ratelimit-used')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBe(clock / 1000 + 3600);
    expect(first.headers.get('x-github-request-id')).toMatch(/^[0-9A-F:]+$/);
    expect(second.status).toBe(404);
    expect(second.body).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });
    expect(second.headers.get('x-ratelimit-remaining')).toBe('59');
  });

  it('serves the same API under /api/v3, with links under the prefix', async () => {
    sim = await startTestSimulator();

    const reply = await api(sim, `GET /api/v3/app/installations/${ORG_INSTALLATION.id}`, {
      auth: `Bearer ${appJwt()}`,
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      access_tokens_url: `${sim.url}/api/v3/app/installations/${ORG_INSTALLATION.id}/access_tokens`,
    });
    expect(sim.requests()[0]).toMatchObject({
      route: 'GET /app/installations/:installation_id',
      path: `/app/installations/${ORG_INSTALLATION.id}`,
    });
  });
});
