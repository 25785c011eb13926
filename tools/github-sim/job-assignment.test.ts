import { afterEach, describe, expect, it } from 'vitest';

import {
  ORG_INSTALLATION,
  ProtocolRunner,
  USER_INSTALLATION,
  api,
  registerRunner,
  startTestSimulator,
  tokenFor,
} from './sim-test-kit.js';
import type { GitHubSimulator, SimInstallation } from './simulator-types.js';

let sim: GitHubSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A second org whose jobs carry the same labels, to prove installations stay apart. */
const OTHER_ORG: SimInstallation = {
  id: 3003,
  account: { login: 'globex', type: 'Organization' },
  repositories: ['api'],
};

const SMALL = ['self-hosted', 'linux', 'x64', 'small'];

async function setup() {
  sim = await startTestSimulator({}, [ORG_INSTALLATION, USER_INSTALLATION, OTHER_ORG]);
  return sim;
}

const jobIdOf = (body: Record<string, unknown>) => (body.job as { id: number } | undefined)?.id;

describe('job assignment', () => {
  it('gives an org runner only a job its labels cover, in its own installation', async () => {
    const sim = await setup();
    const runner = new ProtocolRunner(
      sim,
      await registerRunner(sim, ORG_INSTALLATION.id, { owner: 'acme' }, 'acme-1', SMALL),
    );
    expect((await runner.connect()).status).toBe(200);
    const tooBig = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: ['self-hosted', 'linux', 'x64', 'large'],
    });
    const otherTenant = await sim.queueJob({
      installationId: OTHER_ORG.id,
      repository: 'api',
      labels: SMALL,
    });
    const userJob = await sim.queueJob({
      installationId: USER_INSTALLATION.id,
      repository: 'dotfiles',
      labels: SMALL,
    });

    const none = await runner.acquire(200);
    const fitting = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'web',
      labels: ['Self-Hosted', 'LINUX', 'small'],
    });
    const taken = await runner.acquire(5_000);

    expect(none.status).toBe(204);
    expect(taken.status).toBe(200);
    expect(jobIdOf(taken.body)).toBe(fitting.job.id);
    const status = new Map(sim.jobs().map((j) => [j.id, j.status]));
    expect(status.get(tooBig.job.id)).toBe('queued');
    expect(status.get(otherTenant.job.id)).toBe('queued');
    expect(status.get(userJob.job.id)).toBe('queued');
    expect(sim.jobs().find((j) => j.id === fitting.job.id)).toMatchObject({
      status: 'in_progress',
      runnerName: 'acme-1',
    });
  });

  it('gives a repository runner only jobs of its own repository', async () => {
    const sim = await setup();
    const runner = new ProtocolRunner(
      sim,
      await registerRunner(
        sim,
        ORG_INSTALLATION.id,
        { owner: 'acme', repo: 'web' },
        'web-1',
        SMALL,
      ),
    );
    await runner.connect();
    const otherRepo = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: SMALL,
    });

    const none = await runner.acquire(200);
    const own = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'web',
      labels: SMALL,
    });
    const taken = await runner.acquire(5_000);

    expect(none.status).toBe(204);
    expect(jobIdOf(taken.body)).toBe(own.job.id);
    expect(sim.jobs().find((j) => j.id === otherRepo.job.id)?.status).toBe('queued');
  });

  it('keeps a reinstalled App’s runners off the jobs of the old installation on the same org', async () => {
    const sim = await setup();
    const old = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: SMALL,
    });
    sim.addInstallation({ ...ORG_INSTALLATION, id: 1005 });
    const runner = new ProtocolRunner(
      sim,
      await registerRunner(sim, 1005, { owner: 'acme' }, 'acme-new', SMALL),
    );
    await runner.connect();

    const none = await runner.acquire(200);
    const fresh = await sim.queueJob({ installationId: 1005, repository: 'api', labels: SMALL });
    const taken = await runner.acquire(5_000);

    expect(none.status).toBe(204);
    expect(jobIdOf(taken.body)).toBe(fresh.job.id);
    expect(sim.jobs().find((j) => j.id === old.job.id)?.status).toBe('queued');
  });

  it('takes the oldest fitting job, whichever event announced it', async () => {
    const sim = await setup();
    const first = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: SMALL,
      send: false,
    });
    await sim.queueJob({ installationId: ORG_INSTALLATION.id, repository: 'api', labels: SMALL });
    const runner = new ProtocolRunner(
      sim,
      await registerRunner(sim, ORG_INSTALLATION.id, { owner: 'acme' }, 'acme-1', SMALL),
    );
    await runner.connect();

    const taken = await runner.acquire(5_000);

    expect(jobIdOf(taken.body)).toBe(first.job.id);
  });

  it('gives one job to exactly one of two waiting runners', async () => {
    const sim = await setup();
    const runners = [];
    for (const name of ['acme-1', 'acme-2']) {
      const runner = new ProtocolRunner(
        sim,
        await registerRunner(sim, ORG_INSTALLATION.id, { owner: 'acme' }, name, SMALL),
      );
      await runner.connect();
      runners.push(runner);
    }

    const waits = runners.map((r) => r.acquire(1_000));
    const { job } = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: SMALL,
    });
    const replies = await Promise.all(waits);

    expect(replies.map((r) => r.status).sort()).toEqual([200, 204]);
    expect(replies.map((r) => jobIdOf(r.body)).filter(Boolean)).toEqual([job.id]);
    expect(sim.runners().filter((r) => r.busy)).toHaveLength(1);
  });

  it('completes the job and removes the ephemeral registration', async () => {
    const sim = await setup();
    const registered = await registerRunner(
      sim,
      ORG_INSTALLATION.id,
      { owner: 'acme' },
      'acme-1',
      SMALL,
    );
    const runner = new ProtocolRunner(sim, registered);
    await runner.connect();
    const { job } = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: SMALL,
    });
    await runner.acquire(5_000);

    const done = await runner.complete(job.id);

    expect(done.status).toBe(200);
    expect(sim.jobs()).toEqual([
      expect.objectContaining({
        id: job.id,
        status: 'completed',
        conclusion: 'success',
        runnerId: registered.id,
      }),
    ]);
    expect(sim.runners()).toEqual([]);
    expect((await runner.acquire(100)).status).toBe(410);
  });

  it('ends the wait of a runner whose registration is deleted, which then learns it is gone', async () => {
    const sim = await setup();
    const registered = await registerRunner(
      sim,
      ORG_INSTALLATION.id,
      { owner: 'acme' },
      'acme-1',
      SMALL,
    );
    const runner = new ProtocolRunner(sim, registered);
    await runner.connect();
    const waiting = runner.acquire(10_000);
    const auth = await tokenFor(sim, ORG_INSTALLATION.id);

    await api(sim, `DELETE /orgs/acme/actions/runners/${registered.id}`, { auth });
    await sim.queueJob({ installationId: ORG_INSTALLATION.id, repository: 'api', labels: SMALL });

    expect((await waiting).status).toBe(204);
    expect((await runner.acquire(100)).status).toBe(410);
    expect(sim.jobs()[0]?.status).toBe('queued');
  });

  it('refuses a JIT config that is unknown or already used', async () => {
    const sim = await setup();
    const registered = await registerRunner(
      sim,
      ORG_INSTALLATION.id,
      { owner: 'acme' },
      'acme-1',
      SMALL,
    );
    const forged = {
      ...registered,
      encodedJitConfig: Buffer.from(
        JSON.stringify({ runner_id: registered.id, credential: 'guess' }),
      ).toString('base64'),
    };

    const first = await new ProtocolRunner(sim, registered).connect();
    const second = await new ProtocolRunner(sim, registered).connect();
    const wrong = await new ProtocolRunner(sim, forged).connect();

    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(wrong.status).toBe(401);
  });
});
