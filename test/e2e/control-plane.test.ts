import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteLedger } from '../../src/adapters/sqlite/sqlite-ledger.js';
import { SqliteTenantStore } from '../../src/adapters/sqlite/sqlite-tenant-store.js';
import { summariseUsage } from '../../src/core/usage.js';
import type { Stack } from '../../tools/demo/stack.js';
import { startStack } from '../../tools/demo/stack.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SMALL = ['self-hosted', 'linux', 'x64', 'small'];
const JOBS = 12;

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The simulator, `ghr serve` and fake runners as real processes over loopback: the path a
 * webhook takes in production, from signature to runner exit.
 */
describe('ghr serve against the GitHub simulator', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ keepData: true });
    stack.sim.addInstallation({
      id: 501,
      account: { login: 'acme', type: 'Organization' },
      repositories: ['api'],
    });
    stack.sim.addInstallation({
      id: 502,
      account: { login: 'octocat', type: 'User' },
      repositories: ['blog'],
    });
    expect((await stack.sim.sendInstallationEvent('created', 501)).status).toBe(202);
    expect((await stack.sim.sendInstallationEvent('created', 502)).status).toBe(202);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  // GitHub asks for a second between writes of one installation, which the adapter keeps, so
  // this runs a dozen jobs; the 50-job race runs against the stores in test/core.
  it('serves a burst of jobs of a tenant with max_runners = 2, never more than 2 at once (F10)', async () => {
    const queued = await Promise.all(
      Array.from({ length: JOBS }, () =>
        stack.sim.queueJob({
          installationId: 501,
          repository: 'api',
          labels: SMALL,
          durationMs: 20,
        }),
      ),
    );
    expect(queued.every((q) => q.webhook?.status === 202)).toBe(true);

    let peakRegistered = 0;
    await until(
      'all jobs to complete',
      () => {
        const registered = stack.sim.runners().filter((r) => r.installationId === 501).length;
        peakRegistered = Math.max(peakRegistered, registered);
        return (
          stack.sim.jobs().filter((j) => j.installationId === 501 && j.status === 'completed')
            .length === JOBS
        );
      },
      120_000,
    );

    const db = openDatabase(stack.databasePath);
    try {
      const runners = await new SqliteLedger(db).listRunners({ installationId: 501 });
      const [usage] = summariseUsage(runners, [], new Date().toISOString());
      expect(usage?.peakRunners).toBeLessThanOrEqual(2);
      expect(peakRegistered).toBeLessThanOrEqual(2);
      expect(runners.filter((r) => r.jobId !== undefined)).toHaveLength(JOBS);
    } finally {
      db.close();
    }
  }, 150_000);

  it('gives a User account a repository-level runner (F7)', async () => {
    const { job } = await stack.sim.queueJob({
      installationId: 502,
      repository: 'blog',
      labels: SMALL,
      durationMs: 20,
    });
    await until(
      'the user job to complete',
      () => stack.sim.jobs().find((j) => j.id === job.id)?.status === 'completed',
    );

    const jit = stack.sim
      .requests()
      .filter((r) => r.route.endsWith('generate-jitconfig') && r.installationId === 502);
    expect(jit.map((r) => r.path)).toEqual([
      '/repos/octocat/blog/actions/runners/generate-jitconfig',
    ]);
  });

  it('refuses a second instance on a taken port with a message, before touching any state', async () => {
    const second = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/ghr.js'), 'serve', '--config', stack.configPath],
      {
        env: { PATH: process.env['PATH'] ?? '', ...stack.env },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );

    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/^ghr: .*could not listen on 127\.0\.0\.1:\d+/);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(second.stdout).not.toContain('adopted runner process');
  });

  it('keeps state across a SIGTERM and a restart', async () => {
    expect(await stack.stopServe()).toBe(0);
    await stack.restartServe();

    const { job } = await stack.sim.queueJob({
      installationId: 501,
      repository: 'api',
      labels: SMALL,
      durationMs: 20,
    });
    await until(
      'a job after the restart to complete',
      () => stack.sim.jobs().find((j) => j.id === job.id)?.status === 'completed',
    );

    const db = openDatabase(stack.databasePath);
    try {
      expect((await new SqliteTenantStore(db).get(501))?.status).toBe('active');
      expect(
        (await new SqliteLedger(db).listJobs({ installationId: 501, status: 'completed' })).length,
      ).toBe(JOBS + 1);
    } finally {
      db.close();
    }
  }, 90_000);
});
