import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadResponseSchemas, type ResponseSchemas } from './openapi-schemas.js';
import {
  ORG_INSTALLATION,
  USER_INSTALLATION,
  api,
  appJwt,
  startTestSimulator,
  tokenFor,
  type ApiReply,
} from './sim-test-kit.js';
import { SimState } from './sim-state.js';
import type { GitHubSimulator } from './simulator-types.js';
import { restRoutes } from './start-github-simulator.js';

/** Every operation the simulator serves, named as GitHub's REST description names it. */
const OPERATIONS = restRoutes({
  state: new SimState(),
  appId: 1,
  now: Date.now,
  tokenTtlMs: 1,
  url: () => '',
  onRunnerRemoved: () => {},
}).map((route) => `${route.method} ${route.template.replace(/:(\w+)/g, '{$1}')}`);

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

let schemas: ResponseSchemas;
let ajv: Ajv;
const compiled = new Map<string, ValidateFunction>();
let sim: GitHubSimulator;
let app: string;
let org: string;
let user: string;
const checked = new Set<string>();

/**
 * The description lists an installation's `account` as allOf(Simple User, Enterprise) in the
 * list operation but as anyOf in the single one; GitHub returns one kind of account, never both.
 */
function fixInstallationListAccount(all: ResponseSchemas): void {
  type Node = {
    allOf?: unknown[];
    anyOf?: Node[];
    items?: Node;
    properties?: Record<string, Node>;
  };
  const account = (all['GET /app/installations']?.['200'] as Node | undefined)?.items?.properties
    ?.account;
  const both = account?.anyOf?.[0];
  if (!account?.anyOf || !both?.allOf) {
    throw new Error('the installation list schema changed; revisit this fix');
  }
  account.anyOf = [{ anyOf: both.allOf as Node[] }, ...account.anyOf.slice(1)];
}

beforeAll(async () => {
  schemas = loadResponseSchemas(OPERATIONS);
  fixInstallationListAccount(schemas);
  // GitHub's description is OpenAPI 3.0: `nullable` and `example` are not JSON Schema keywords.
  ajv = addFormats(new Ajv({ strict: false, allErrors: true }));

  sim = await startTestSimulator();
  app = `Bearer ${appJwt()}`;
  org = await tokenFor(sim, ORG_INSTALLATION.id);
  user = await tokenFor(sim, USER_INSTALLATION.id);
});

afterAll(async () => {
  await sim?.close();
});

/** Asserts the reply's body matches the schema GitHub documents for its operation and status. */
function expectConforms(operation: string, reply: ApiReply, status: number): void {
  expect(reply.status).toBe(status);
  const byStatus = schemas[operation];
  expect(byStatus, `${operation} is in GitHub's description`).toBeDefined();
  expect(Object.keys(byStatus ?? {}), `${operation} documents ${status}`).toContain(String(status));

  const schema = byStatus?.[String(status)];
  if (schema === null) {
    expect(reply.body).toBeUndefined();
  } else {
    const key = `${operation} ${status}`;
    const validate = compiled.get(key) ?? ajv.compile(schema as object);
    compiled.set(key, validate);
    const valid = validate(reply.body);
    expect(valid, `${key}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
  checked.add(operation);
}

async function jit(scope: string, auth: string, name: string, groupId: number) {
  return api(sim, `POST ${scope}/actions/runners/generate-jitconfig`, {
    auth,
    body: { name, runner_group_id: groupId, labels: ['self-hosted', 'linux', 'x64'] },
  });
}

async function defaultGroupId(): Promise<number> {
  const reply = await api(sim, 'GET /orgs/acme/actions/runner-groups', { auth: org });
  return (reply.body as { runner_groups: { id: number; default: boolean }[] }).runner_groups.find(
    (g) => g.default,
  )?.id as number;
}

describe('answers conform to GitHub’s REST description', () => {
  it('App endpoints', async () => {
    expectConforms('GET /app', await api(sim, 'GET /app', { auth: app }), 200);
    expectConforms(
      'GET /app/installations',
      await api(sim, 'GET /app/installations', { auth: app }),
      200,
    );
    const one = 'GET /app/installations/{installation_id}';
    expectConforms(
      one,
      await api(sim, `GET /app/installations/${ORG_INSTALLATION.id}`, { auth: app }),
      200,
    );
    expectConforms(one, await api(sim, 'GET /app/installations/404404', { auth: app }), 404);

    const mint = 'POST /app/installations/{installation_id}/access_tokens';
    expectConforms(
      mint,
      await api(sim, `POST /app/installations/${USER_INSTALLATION.id}/access_tokens`, {
        auth: app,
      }),
      201,
    );
    expectConforms(
      mint,
      await api(sim, 'POST /app/installations/404404/access_tokens', { auth: app }),
      404,
    );
    expectConforms(
      mint,
      await api(sim, `POST /app/installations/${USER_INSTALLATION.id}/access_tokens`, {
        auth: 'Bearer x',
      }),
      401,
    );
    sim.addInstallation({
      id: 3003,
      account: { login: 'paused', type: 'Organization' },
      repositories: [],
      suspended: true,
    });
    expectConforms(
      mint,
      await api(sim, 'POST /app/installations/3003/access_tokens', { auth: app }),
      403,
    );
  });

  it('runner groups and JIT registration, in both scopes', async () => {
    const groupId = await defaultGroupId();
    const groups = await api(sim, 'GET /orgs/acme/actions/runner-groups', { auth: org });
    expectConforms('GET /orgs/{org}/actions/runner-groups', groups, 200);

    const orgJit = 'POST /orgs/{org}/actions/runners/generate-jitconfig';
    expectConforms(orgJit, await jit('/orgs/acme', org, 'schema-org', groupId), 201);
    expectConforms(orgJit, await jit('/orgs/acme', org, 'schema-org', groupId), 409);
    expectConforms(orgJit, await jit('/orgs/acme', org, 'schema-org-2', 1), 404);
    const noLabels = await api(sim, 'POST /orgs/acme/actions/runners/generate-jitconfig', {
      auth: org,
      body: { name: 'x', runner_group_id: groupId, labels: [] },
    });
    expectConforms(orgJit, noLabels, 422);

    const repoJit = 'POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig';
    expectConforms(repoJit, await jit('/repos/solo-dev/dotfiles', user, 'schema-repo', 1), 201);
    expectConforms(repoJit, await jit('/repos/solo-dev/dotfiles', user, 'schema-repo', 1), 409);
    expectConforms(repoJit, await jit('/repos/solo-dev/nope', user, 'schema-repo', 1), 404);
  });

  it('runner listing, lookup and deletion, in both scopes', async () => {
    const groupId = await defaultGroupId();
    const orgRunner = (await jit('/orgs/acme', org, 'schema-list-org', groupId)).body as {
      runner: { id: number };
    };
    const repoRunner = (await jit('/repos/solo-dev/dotfiles', user, 'schema-list-repo', 1))
      .body as { runner: { id: number } };

    expectConforms(
      'GET /orgs/{org}/actions/runners',
      await api(sim, 'GET /orgs/acme/actions/runners', { auth: org }),
      200,
    );
    expectConforms(
      'GET /repos/{owner}/{repo}/actions/runners',
      await api(sim, 'GET /repos/solo-dev/dotfiles/actions/runners?per_page=1', { auth: user }),
      200,
    );
    expectConforms(
      'GET /orgs/{org}/actions/runners/{runner_id}',
      await api(sim, `GET /orgs/acme/actions/runners/${orgRunner.runner.id}`, { auth: org }),
      200,
    );
    expectConforms(
      'GET /repos/{owner}/{repo}/actions/runners/{runner_id}',
      await api(sim, `GET /repos/solo-dev/dotfiles/actions/runners/${repoRunner.runner.id}`, {
        auth: user,
      }),
      200,
    );
    expectConforms(
      'DELETE /orgs/{org}/actions/runners/{runner_id}',
      await api(sim, `DELETE /orgs/acme/actions/runners/${orgRunner.runner.id}`, { auth: org }),
      204,
    );
    expectConforms(
      'DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}',
      await api(sim, `DELETE /repos/solo-dev/dotfiles/actions/runners/${repoRunner.runner.id}`, {
        auth: user,
      }),
      204,
    );
  });

  it('refusing to delete a busy runner', async () => {
    const groupId = await defaultGroupId();
    const reply = await jit('/orgs/acme', org, 'schema-busy', groupId);
    const encoded = (reply.body as { encoded_jit_config: string }).encoded_jit_config;
    const config = JSON.parse(Buffer.from(encoded, 'base64').toString()) as {
      runner_id: number;
      credential: string;
    };
    const connected = await fetch(`${sim.url}/_sim/runner/connect`, {
      method: 'POST',
      body: JSON.stringify(config),
    });
    const { session } = (await connected.json()) as { session: string };
    await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'web',
      labels: ['self-hosted'],
    });
    await fetch(`${sim.url}/_sim/runner/acquire`, {
      method: 'POST',
      body: JSON.stringify({ session, wait_ms: 5000 }),
    });

    expectConforms(
      'DELETE /orgs/{org}/actions/runners/{runner_id}',
      await api(sim, `DELETE /orgs/acme/actions/runners/${config.runner_id}`, { auth: org }),
      422,
    );
  });

  it('workflow jobs and runs, queued, in progress and completed', async () => {
    const { job: queued } = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: ['gpu'],
    });
    const jobPath = (id: number) => `GET /repos/acme/api/actions/jobs/${id}`;
    const job = 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}';
    expectConforms(job, await api(sim, jobPath(queued.id), { auth: org }), 200);

    const busy = sim.jobs().find((j) => j.status === 'in_progress');
    expect(busy, 'the busy-runner case left a job in progress').toBeDefined();
    const web = await api(sim, `GET /repos/acme/web/actions/jobs/${busy?.id}`, { auth: org });
    expectConforms(job, web, 200);
    expect(web.body).toMatchObject({ status: 'in_progress', runner_name: 'schema-busy' });

    const runs = 'GET /repos/{owner}/{repo}/actions/runs';
    const queuedRuns = await api(sim, 'GET /repos/acme/api/actions/runs?status=queued', {
      auth: org,
    });
    expectConforms(runs, queuedRuns, 200);
    expect(queuedRuns.body).toMatchObject({
      total_count: 1,
      workflow_runs: [{ id: queued.runId }],
    });
    expectConforms(runs, await api(sim, 'GET /repos/acme/web/actions/runs', { auth: org }), 200);

    const runJobs = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs';
    const listed = await api(sim, `GET /repos/acme/api/actions/runs/${queued.runId}/jobs`, {
      auth: org,
    });
    expectConforms(runJobs, listed, 200);
    expect(listed.body).toMatchObject({
      total_count: 1,
      jobs: [{ id: queued.id, labels: ['gpu'] }],
    });
  });

  it('would notice a runner without its labels or with a wrong status', () => {
    const validate = ajv.compile(
      schemas['GET /orgs/{org}/actions/runners/{runner_id}']?.['200'] as object,
    );
    const runner = { id: 1, name: 'r', os: 'linux', status: 'online', busy: false, labels: [] };

    expect(validate(runner)).toBe(true);
    expect(validate({ ...runner, labels: undefined })).toBe(false);
    expect(validate({ ...runner, busy: 'no' })).toBe(false);
  });

  it('covers every operation the simulator serves', () => {
    expect([...checked].sort()).toEqual([...OPERATIONS].sort());
  });
});
