import { afterEach, describe, expect, it } from 'vitest';

import {
  ORG_INSTALLATION,
  USER_INSTALLATION,
  api,
  appJwt,
  startTestSimulator,
  tokenFor,
} from './sim-test-kit.js';
import type { GitHubSimulator } from './simulator-types.js';

let sim: GitHubSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const MINT = 'POST /app/installations/:installation_id/access_tokens';
const JIT = 'POST /orgs/:org/actions/runners/generate-jitconfig';

async function jitRequest(sim: GitHubSimulator, auth: string, name: string) {
  return api(sim, 'POST /orgs/acme/actions/runners/generate-jitconfig', {
    auth,
    body: { name, runner_group_id: 2, labels: ['self-hosted'] },
  });
}

describe('faults', () => {
  it('answers with the fault’s status, body and headers instead of handling the request', async () => {
    sim = await startTestSimulator();
    const auth = await tokenFor(sim, ORG_INSTALLATION.id);
    sim.injectFault({
      route: JIT,
      status: 403,
      body: { message: 'API rate limit exceeded for installation ID 1001.' },
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1900000000',
        'retry-after': '7',
      },
    });

    const reply = await jitRequest(sim, auth, 'limited');

    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ message: 'API rate limit exceeded for installation ID 1001.' });
    expect(reply.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(reply.headers.get('x-ratelimit-reset')).toBe('1900000000');
    expect(reply.headers.get('retry-after')).toBe('7');
    expect(reply.headers.get('x-github-request-id')).not.toBeNull();
    expect(sim.runners()).toEqual([]);
    expect(sim.requests().at(-1)).toMatchObject({
      route: JIT,
      status: 403,
      installationId: ORG_INSTALLATION.id,
    });
  });

  it('gives a GitHub-like error body by default', async () => {
    sim = await startTestSimulator();
    sim.injectFault({ route: 'GET /app', status: 503 });

    const reply = await api(sim, 'GET /app', { auth: `Bearer ${appJwt()}` });

    expect(reply.status).toBe(503);
    expect(reply.body).toEqual({
      message: 'Service Unavailable',
      documentation_url: 'https://docs.github.com/rest',
      status: '503',
    });
  });

  it('fires only `times` times, then the route works again', async () => {
    sim = await startTestSimulator();
    const auth = await tokenFor(sim, ORG_INSTALLATION.id);
    sim.injectFault({ route: JIT, status: 503, times: 2 });

    const statuses = [];
    for (const name of ['a', 'b', 'c']) statuses.push((await jitRequest(sim, auth, name)).status);

    expect(statuses).toEqual([503, 503, 201]);
    expect(sim.runners().map((r) => r.name)).toEqual(['c']);
    expect(
      sim
        .requests()
        .filter((r) => r.route === JIT)
        .map((r) => r.status),
    ).toEqual([503, 503, 201]);
  });

  it('applies a per-installation fault only to that installation', async () => {
    sim = await startTestSimulator();
    sim.injectFault({ route: MINT, status: 500, installationId: ORG_INSTALLATION.id });
    const auth = `Bearer ${appJwt()}`;

    const faulty = await api(sim, `POST /app/installations/${ORG_INSTALLATION.id}/access_tokens`, {
      auth,
    });
    const healthy = await api(
      sim,
      `POST /app/installations/${USER_INSTALLATION.id}/access_tokens`,
      { auth },
    );

    expect(faulty.status).toBe(500);
    expect(healthy.status).toBe(201);
    expect(sim.tokensMinted(ORG_INSTALLATION.id)).toBe(0);
    expect(sim.tokensMinted(USER_INSTALLATION.id)).toBe(1);
  });

  it('matches an installation by the token a request carries', async () => {
    sim = await startTestSimulator();
    const user = await tokenFor(sim, USER_INSTALLATION.id);
    const org = await tokenFor(sim, ORG_INSTALLATION.id);
    sim.injectFault({
      route: 'GET /repos/:owner/:repo/actions/runners',
      status: 502,
      installationId: USER_INSTALLATION.id,
    });

    const faulty = await api(sim, 'GET /repos/solo-dev/dotfiles/actions/runners', { auth: user });
    const healthy = await api(sim, 'GET /repos/acme/api/actions/runners', { auth: org });

    expect(faulty.status).toBe(502);
    expect(healthy.status).toBe(200);
  });

  it('delays a request and then handles it normally when only delayMs is given', async () => {
    sim = await startTestSimulator();
    const auth = await tokenFor(sim, ORG_INSTALLATION.id);
    sim.injectFault({ route: JIT, delayMs: 300, times: 1 });

    const started = Date.now();
    const slow = await jitRequest(sim, auth, 'slow');
    const elapsed = Date.now() - started;

    expect(slow.status).toBe(201);
    // A lower bound only: a busy machine can make it slower, never faster.
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(sim.runners().map((r) => r.name)).toEqual(['slow']);
  });

  it('delays and then fails when both are given', async () => {
    sim = await startTestSimulator();
    const auth = await tokenFor(sim, ORG_INSTALLATION.id);
    sim.injectFault({ route: JIT, delayMs: 200, status: 504 });

    const started = Date.now();
    const reply = await jitRequest(sim, auth, 'late');

    expect(reply.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('stops every fault on clearFaults', async () => {
    sim = await startTestSimulator();
    sim.injectFault({ route: 'GET /app', status: 500 });
    const auth = `Bearer ${appJwt()}`;
    expect((await api(sim, 'GET /app', { auth })).status).toBe(500);

    sim.clearFaults();

    expect((await api(sim, 'GET /app', { auth })).status).toBe(200);
  });

  it('leaves other routes alone', async () => {
    sim = await startTestSimulator();
    sim.injectFault({ route: 'GET /app/installations', status: 500 });

    expect((await api(sim, 'GET /app', { auth: `Bearer ${appJwt()}` })).status).toBe(200);
  });

  it('refuses a route that is not `<METHOD> /template`', async () => {
    sim = await startTestSimulator();

    expect(() => sim?.injectFault({ route: '/app', status: 500 })).toThrow(/'<METHOD> \/template'/);
  });
});
