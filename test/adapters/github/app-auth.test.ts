import { afterEach, describe, expect, it } from 'vitest';

import {
  ACME,
  ALICE,
  APP_ID,
  jitRequest,
  startFixture,
  type GitHubFixture,
} from './github-fixture.js';

const GET_INSTALLATION = 'GET /app/installations/:installation_id';
const MINT_TOKEN = 'POST /app/installations/:installation_id/access_tokens';

/** The simulated GitHub runs 90 s behind us: our clock looks 90 s fast. */
const SKEW_MS = 90_000;

describe('App JWT (F12)', () => {
  let fx: GitHubFixture;
  afterEach(async () => {
    await fx.close();
  });

  it('is issued at least 30 s in the past and lives at most 10 minutes', async () => {
    fx = await startFixture();
    const before = Math.floor(Date.now() / 1000);

    await fx.api.getInstallation(ACME.installationId);
    await fx.api.listRunners(ACME);
    const after = Math.ceil(Date.now() / 1000);

    const signed = fx.sim.requests().filter((r) => r.jwt !== undefined);
    expect(signed.map((r) => r.route)).toEqual([GET_INSTALLATION, MINT_TOKEN]);
    for (const { jwt } of signed) {
      const iat = Number(jwt?.iat);
      const exp = Number(jwt?.exp);
      expect(jwt?.iss).toBe(APP_ID);
      expect(iat).toBeLessThanOrEqual(after - 30);
      expect(iat).toBeGreaterThanOrEqual(before - 31);
      expect(exp - iat).toBeGreaterThan(0);
      expect(exp - iat).toBeLessThanOrEqual(600);
    }
  });

  it('answers a 401 about its time claims with one retry on GitHub’s clock, and warns with the skew', async () => {
    fx = await startFixture({ now: () => Date.now() - SKEW_MS });

    const installation = await fx.api.getInstallation(ACME.installationId);

    expect(installation.accountLogin).toBe('acme');
    const calls = fx.sim.requests().filter((r) => r.route === GET_INSTALLATION);
    expect(calls.map((r) => r.status)).toEqual([401, 200]);

    const simNow = Math.floor((Date.now() - SKEW_MS) / 1000);
    const corrected = Number(calls[1]?.jwt?.iat);
    expect(corrected).toBeLessThanOrEqual(simNow - 29);

    const warnings = fx.logger.entries.filter(
      (e) => e.level === 'warn' && e.fields['skew_seconds'] !== undefined,
    );
    expect(warnings).toHaveLength(1);
    const skew = Number(warnings[0]?.fields['skew_seconds']);
    expect(skew).toBeGreaterThanOrEqual(-92);
    expect(skew).toBeLessThanOrEqual(-88);
  });

  it('corrects the JWT that mints an installation token too, so registration still works', async () => {
    fx = await startFixture({ now: () => Date.now() - SKEW_MS });

    const jit = await fx.api.generateJitConfig(jitRequest(ALICE, 'ghr-2002-small-skew'));

    expect(fx.sim.runners().map((r) => r.id)).toEqual([jit.githubRunnerId]);
    const mints = fx.sim.requests().filter((r) => r.route === MINT_TOKEN);
    expect(mints.map((r) => r.status)).toEqual([401, 201]);
    expect(fx.sim.tokensMinted(ALICE.installationId)).toBe(1);
  });
});

describe('getInstallation', () => {
  let fx: GitHubFixture;
  afterEach(async () => {
    await fx.close();
  });

  it.each([
    [ACME.installationId, 'acme', 'Organization', false],
    [ALICE.installationId, 'alice', 'User', false],
    [5005, 'paused-org', 'Organization', true],
  ] as const)(
    'reads installation %i as %s (%s, suspended %s)',
    async (id, login, type, suspended) => {
      fx = await startFixture();
      fx.sim.addInstallation({
        id: 5005,
        account: { login: 'paused-org', type: 'Organization' },
        repositories: ['x'],
        suspended: true,
      });

      const installation = await fx.api.getInstallation(id);

      expect(installation).toEqual({
        installationId: id,
        accountLogin: login,
        accountType: type,
        suspended,
      });
      expect(fx.sim.tokensMinted()).toBe(0);
    },
  );

  it('reports an installation GitHub does not know as not_found', async () => {
    fx = await startFixture();

    await expect(fx.api.getInstallation(9999)).rejects.toMatchObject({
      code: 'not_found',
      retryable: false,
      details: { status: 404 },
    });
  });

  it('reports a JWT GitHub refuses for another reason as unauthorized, after one call', async () => {
    fx = await startFixture();
    fx.sim.injectFault({
      route: GET_INSTALLATION,
      status: 401,
      body: { message: 'A JSON web token could not be decoded' },
    });

    await expect(fx.api.getInstallation(ACME.installationId)).rejects.toMatchObject({
      code: 'unauthorized',
      retryable: false,
      details: { status: 401 },
    });
    expect(fx.sim.requests().filter((r) => r.route === GET_INSTALLATION)).toHaveLength(1);
  });
});
