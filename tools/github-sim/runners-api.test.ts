import { afterEach, describe, expect, it } from 'vitest';

import type { SimJitConfig } from './jit-routes.js';
import {
  ORG_INSTALLATION,
  USER_INSTALLATION,
  api,
  startTestSimulator,
  tokenFor,
  type ApiReply,
} from './sim-test-kit.js';
import type { GitHubSimulator } from './simulator-types.js';

let sim: GitHubSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const LABELS = ['self-hosted', 'Linux', 'X64', 'small'];

async function orgSetup() {
  sim = await startTestSimulator();
  const auth = await tokenFor(sim, ORG_INSTALLATION.id);
  const groups = await api(sim, 'GET /orgs/acme/actions/runner-groups', { auth });
  const groupId = (
    groups.body as { runner_groups: { id: number; default: boolean }[] }
  ).runner_groups.find((g) => g.default)?.id as number;
  const jit = (name: string, extra: Record<string, unknown> = {}) =>
    api(sim as GitHubSimulator, 'POST /orgs/acme/actions/runners/generate-jitconfig', {
      auth,
      body: { name, runner_group_id: groupId, labels: LABELS, work_folder: '_work', ...extra },
    });
  return { sim, auth, groupId, jit };
}

function decodeConfig(reply: ApiReply): SimJitConfig {
  const encoded = (reply.body as { encoded_jit_config: string }).encoded_jit_config;
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as SimJitConfig;
}

describe('runner groups', () => {
  it('starts every org with a default group whose id is not 1, and lists added groups', async () => {
    const { sim, auth } = await orgSetup();

    const added = sim.addRunnerGroup('acme', { name: 'gpu' });
    const reply = await api(sim, 'GET /orgs/acme/actions/runner-groups', { auth });

    const body = reply.body as {
      total_count: number;
      runner_groups: { id: number; name: string; default: boolean }[];
    };
    expect(body.total_count).toBe(2);
    const [standard, gpu] = body.runner_groups;
    expect(standard).toMatchObject({ name: 'Default', default: true, visibility: 'all' });
    expect(standard?.id).not.toBe(1);
    expect(gpu).toEqual(expect.objectContaining({ id: added.id, name: 'gpu', default: false }));
  });

  it('moves the default flag to a group added as default', async () => {
    const { sim, auth } = await orgSetup();

    const added = sim.addRunnerGroup('acme', { name: 'tenants', default: true });
    const reply = await api(sim, 'GET /orgs/acme/actions/runner-groups', { auth });

    const groups = (reply.body as { runner_groups: { id: number; default: boolean }[] })
      .runner_groups;
    expect(groups.filter((g) => g.default).map((g) => g.id)).toEqual([added.id]);
  });

  it('has no runner groups for a User account (404)', async () => {
    sim = await startTestSimulator();
    const auth = await tokenFor(sim, USER_INSTALLATION.id);

    expect((await api(sim, 'GET /orgs/solo-dev/actions/runner-groups', { auth })).status).toBe(404);
  });
});

describe('generate-jitconfig', () => {
  it('registers an org runner with exactly the labels sent, offline until it connects', async () => {
    const { sim, groupId, jit } = await orgSetup();

    const reply = await jit('acme-small-1');

    expect(reply.status).toBe(201);
    const runner = (
      reply.body as { runner: { id: number; labels: { name: string; type: string }[] } }
    ).runner;
    expect(runner).toMatchObject({
      name: 'acme-small-1',
      os: 'linux',
      status: 'offline',
      busy: false,
    });
    expect(runner.labels.map((l) => l.name)).toEqual(LABELS);
    expect(runner.labels.map((l) => l.type)).toEqual([
      'read-only',
      'read-only',
      'read-only',
      'custom',
    ]);
    const config = decodeConfig(reply);
    expect(config).toEqual({
      sim_url: sim.url,
      runner_id: runner.id,
      runner_name: 'acme-small-1',
      credential: expect.stringMatching(/^[\w-]{20,}$/),
    });
    expect(sim.runners()).toEqual([
      {
        id: runner.id,
        name: 'acme-small-1',
        installationId: ORG_INSTALLATION.id,
        owner: 'acme',
        labels: LABELS,
        runnerGroupId: groupId,
        status: 'offline',
        busy: false,
      },
    ]);
  });

  it('registers a repository runner for a User account with group id 1', async () => {
    sim = await startTestSimulator();
    const auth = await tokenFor(sim, USER_INSTALLATION.id);

    const reply = await api(
      sim,
      'POST /repos/solo-dev/dotfiles/actions/runners/generate-jitconfig',
      {
        auth,
        body: { name: 'solo-1', runner_group_id: 1, labels: ['self-hosted', 'linux'] },
      },
    );

    expect(reply.status).toBe(201);
    expect(sim.runners()).toEqual([
      expect.objectContaining({
        name: 'solo-1',
        owner: 'solo-dev',
        repo: 'dotfiles',
        runnerGroupId: 1,
      }),
    ]);
  });

  it('answers 409 with GitHub’s message for a name taken in the same scope only', async () => {
    const { sim, auth, jit } = await orgSetup();
    await jit('dup');

    const again = await jit('dup');
    const inRepo = await api(sim, 'POST /repos/acme/api/actions/runners/generate-jitconfig', {
      auth,
      body: { name: 'dup', runner_group_id: 1, labels: LABELS },
    });

    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      message: 'Already exists - A runner with the name dup already exists.',
    });
    expect(inRepo.status).toBe(201);
    expect(sim.runners().map((r) => r.name)).toEqual(['dup', 'dup']);
  });

  it.each([
    ['no labels', { labels: [] }],
    ['101 labels', { labels: Array.from({ length: 101 }, (_, i) => `l${i}`) }],
    ['labels missing', { labels: undefined }],
    ['an empty label', { labels: ['self-hosted', ''] }],
    ['no name', { name: '' }],
    ['no runner group', { runner_group_id: undefined }],
  ])('answers 422 for %s and registers nothing', async (_case, change) => {
    const { sim, jit } = await orgSetup();

    const reply = await jit('bad', change);

    expect(reply.status).toBe(422);
    expect((reply.body as { message: string }).message).toMatch(/^Invalid request\./);
    expect(sim.runners()).toEqual([]);
  });

  it('answers 404 for a runner group the org does not have', async () => {
    const { sim, jit } = await orgSetup();

    const reply = await jit('orphan', { runner_group_id: 1 });

    expect(reply.status).toBe(404);
    expect(sim.runners()).toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { sim, auth } = await orgSetup();

    const reply = await api(sim, 'POST /orgs/acme/actions/runners/generate-jitconfig', {
      auth,
      rawBody: '{"name": ',
    });

    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ message: 'Problems parsing JSON' });
  });
});

describe('runner listing, lookup and deletion', () => {
  it('pages 35 runners 30 at a time with Link headers', async () => {
    const { sim, auth, jit } = await orgSetup();
    for (let n = 1; n <= 35; n += 1) await jit(`r-${n}`);

    const first = await api(sim, 'GET /orgs/acme/actions/runners', { auth });
    const second = await api(sim, 'GET /orgs/acme/actions/runners?page=2', { auth });
    const capped = await api(sim, 'GET /orgs/acme/actions/runners?per_page=500', { auth });

    const names = (reply: ApiReply) =>
      (reply.body as { runners: { name: string }[] }).runners.map((r) => r.name);
    expect((first.body as { total_count: number }).total_count).toBe(35);
    expect(names(first)).toHaveLength(30);
    expect(first.headers.get('link')).toBe(
      `<${sim.url}/orgs/acme/actions/runners?page=2>; rel="next", ` +
        `<${sim.url}/orgs/acme/actions/runners?page=2>; rel="last"`,
    );
    expect(names(second)).toEqual(['r-31', 'r-32', 'r-33', 'r-34', 'r-35']);
    expect(second.headers.get('link')).toBe(
      `<${sim.url}/orgs/acme/actions/runners?page=1>; rel="prev", ` +
        `<${sim.url}/orgs/acme/actions/runners?page=1>; rel="first"`,
    );
    expect(names(capped)).toHaveLength(35);
    expect(capped.headers.get('link')).toBeNull();
  });

  it('filters by exact name', async () => {
    const { sim, auth, jit } = await orgSetup();
    for (const name of ['r-1', 'r-10', 'r-100']) await jit(name);

    const reply = await api(sim, 'GET /orgs/acme/actions/runners?name=r-10', { auth });

    expect(reply.body).toMatchObject({ total_count: 1, runners: [{ name: 'r-10' }] });
  });

  it('keeps org and repository runners apart', async () => {
    const { sim, auth, jit } = await orgSetup();
    const org = await jit('org-runner');
    await api(sim, 'POST /repos/acme/web/actions/runners/generate-jitconfig', {
      auth,
      body: { name: 'repo-runner', runner_group_id: 1, labels: LABELS },
    });
    const orgRunnerId = decodeConfig(org).runner_id;

    const orgList = await api(sim, 'GET /orgs/acme/actions/runners', { auth });
    const repoList = await api(sim, 'GET /repos/acme/web/actions/runners', { auth });

    expect(orgList.body).toMatchObject({ total_count: 1, runners: [{ name: 'org-runner' }] });
    expect(repoList.body).toMatchObject({ total_count: 1, runners: [{ name: 'repo-runner' }] });
    expect((await api(sim, `GET /orgs/acme/actions/runners/${orgRunnerId}`, { auth })).status).toBe(
      200,
    );
    expect(
      (await api(sim, `GET /repos/acme/web/actions/runners/${orgRunnerId}`, { auth })).status,
    ).toBe(404);
  });

  it('deletes a registration with 204, then answers 404', async () => {
    const { sim, auth, jit } = await orgSetup();
    const id = decodeConfig(await jit('to-delete')).runner_id;

    const deleted = await api(sim, `DELETE /orgs/acme/actions/runners/${id}`, { auth });

    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(sim.runners()).toEqual([]);
    expect((await api(sim, `GET /orgs/acme/actions/runners/${id}`, { auth })).status).toBe(404);
    expect((await api(sim, `DELETE /orgs/acme/actions/runners/${id}`, { auth })).status).toBe(404);
  });

  it('refuses to delete a runner that is running a job (422)', async () => {
    const { sim, auth, jit } = await orgSetup();
    const config = decodeConfig(await jit('busy-one'));
    const connect = await fetch(`${sim.url}/_sim/runner/connect`, {
      method: 'POST',
      body: JSON.stringify({ runner_id: config.runner_id, credential: config.credential }),
    });
    const { session } = (await connect.json()) as { session: string };
    await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: ['small'],
    });
    const acquired = await fetch(`${sim.url}/_sim/runner/acquire`, {
      method: 'POST',
      body: JSON.stringify({ session, wait_ms: 5_000 }),
    });
    expect(acquired.status).toBe(200);

    const reply = await api(sim, `DELETE /orgs/acme/actions/runners/${config.runner_id}`, { auth });

    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      message: 'Bad request - Runner "busy-one" is still running a job',
    });
    expect(sim.runners()).toEqual([
      expect.objectContaining({ name: 'busy-one', busy: true, status: 'online' }),
    ]);
  });
});
