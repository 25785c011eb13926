import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ACME, startFixture, type GitHubFixture } from './github-fixture.js';

describe('looking a job up', () => {
  let fx: GitHubFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it("reads a job's status from its repository", async () => {
    const { job } = await fx.sim.queueJob({
      installationId: ACME.installationId,
      repository: 'app',
      labels: ['self-hosted', 'linux'],
      send: false,
    });

    const seen = await fx.api.getJob(ACME.installationId, 'acme/app', job.id);

    expect(seen).toEqual({
      id: job.id,
      status: 'queued',
      runnerName: undefined,
      conclusion: undefined,
    });
    expect(fx.sim.requests().map((r) => r.route)).toContain(
      'GET /repos/:owner/:repo/actions/jobs/:job_id',
    );
  });

  it('gives undefined for a job GitHub does not know', async () => {
    expect(await fx.api.getJob(ACME.installationId, 'acme/app', 987_654_321)).toBeUndefined();
  });
});
