import { beforeEach, describe, expect, it } from 'vitest';

import { PlatformError } from '../../src/core/errors.js';
import { sweep } from '../../src/core/sweep.js';
import type { CoreHarness } from '../support/core-harness.js';
import { coreHarness } from '../support/core-harness.js';
import { installationPayload, workflowJobPayload } from '../support/webhook-payloads.js';

const SMALL = ['self-hosted', 'linux', 'x64', 'small'];
const ORG = 101;

async function install(h: CoreHarness, id = ORG, login = 'acme', type?: 'User' | 'Organization') {
  await h.deliver(
    'installation',
    installationPayload({ action: 'created', installationId: id, login, type }),
  );
}

function queued(jobId: number, labels: readonly string[] = SMALL, installationId = ORG) {
  return workflowJobPayload({ action: 'queued', installationId, jobId, labels });
}

describe('a queued job for a tier', () => {
  let h: CoreHarness;
  beforeEach(async () => {
    h = coreHarness();
    await install(h);
  });

  it('gets exactly one runner, registered with the tier labels at org level', async () => {
    const outcome = await h.deliver('workflow_job', queued(1));
    await h.drain();

    expect(outcome).toEqual({ status: 'accepted', reason: 'job_event_queued' });
    expect(h.compute.running.size).toBe(1);
    const [request] = h.github.jitRequests;
    expect(request).toMatchObject({ owner: 'acme', repo: undefined, labels: SMALL });
    const [runner] = await h.ledger.listRunners();
    expect(runner).toMatchObject({ installationId: ORG, tier: 'small', tenantTier: 'small' });
    // The launch writes nothing after the slot: the machine is found by the runner's name.
    expect(runner).toMatchObject({
      state: 'launching',
      computeId: undefined,
      githubRunnerId: undefined,
    });
  });

  it('records the machine on the next sweep and the registration when the runner takes the job', async () => {
    await h.deliver('workflow_job', queued(1));
    await h.drain();
    const [launched] = await h.ledger.listRunners();
    const name = launched?.name ?? '';
    const [machine] = h.compute.running.values();
    const registered = [...h.github.registered.values()].find((r) => r.name === name);

    await sweep(h.deps);
    const swept = await h.ledger.getRunner(name);
    await h.deliver(
      'workflow_job',
      workflowJobPayload({
        action: 'in_progress',
        installationId: ORG,
        jobId: 1,
        labels: SMALL,
        runnerName: name,
        runnerId: registered?.id ?? 0,
      }),
    );
    await h.drain();

    expect(swept).toMatchObject({ computeId: machine?.computeId, machine: 'memory' });
    expect(await h.ledger.getRunner(name)).toMatchObject({
      state: 'busy',
      jobId: 1,
      githubRunnerId: registered?.id,
    });
  });

  it('serves a queued event whose tier was renamed while it waited, by its labels', async () => {
    await h.queue.enqueue({
      kind: 'job_event',
      deliveryId: 'd-renamed',
      installationId: ORG,
      tier: 'small-old',
      jobId: 41,
      runId: 9041,
      repository: 'acme/app',
      labels: SMALL,
      status: 'queued',
      at: new Date(h.clock.now()).toISOString(),
    });
    await h.drain();

    expect(await h.ledger.getJob(41)).toMatchObject({ tier: 'small', status: 'queued' });
    expect(h.compute.launches.map((l) => l.tier)).toEqual(['small']);
  });

  it('registers with the tier spelling when the job spells labels differently (F4)', async () => {
    h = coreHarness({
      tiers: [{ name: 'small', labels: ['self-hosted', 'Linux', 'X64', 'Small'], maxRunners: 2 }],
    });
    await install(h);
    await h.deliver('workflow_job', queued(1, ['self-hosted', 'linux', 'x64', 'small']));
    await h.drain();

    expect(h.github.jitRequests.map((r) => r.labels)).toEqual([
      ['self-hosted', 'Linux', 'X64', 'Small'],
    ]);
  });

  it('hands the JIT config to the machine and leaves no copy behind', async () => {
    await h.deliver('workflow_job', queued(1));
    await h.drain();

    const [machine] = h.compute.running.values();
    expect(machine?.jitConfig).toMatch(/^jit-ghr-101-small-/);
    expect(await h.handoff.list()).toEqual([]);
    expect(machine?.tags).toMatchObject({
      'ghr:tenant_id': '101',
      'ghr:tenant_tier': 'small',
      'ghr:runner_tier': 'small',
      'ghr:environment': 'test-env',
    });
  });

  it('is a no-op when the same delivery arrives twice (F2)', async () => {
    const first = await h.deliver('workflow_job', queued(1), 'same-id');
    const second = await h.deliver('workflow_job', queued(1), 'same-id');
    await h.drain();

    expect(first.status).toBe('accepted');
    expect(second).toEqual({ status: 'accepted', reason: 'job_event_queued' });
    expect(h.compute.launches).toHaveLength(1);
    expect(h.github.jitRequests).toHaveLength(1);
    expect(await h.ledger.listJobs()).toHaveLength(1);
  });

  it('launches nothing when completed arrives before queued (F3)', async () => {
    await h.deliver(
      'workflow_job',
      workflowJobPayload({ action: 'completed', installationId: ORG, jobId: 12, labels: SMALL }),
    );
    const late = await h.deliver('workflow_job', queued(12));
    await h.drain();

    expect(late.reason).toBe('job_event_queued');
    expect(h.compute.launches).toHaveLength(0);
    expect(await h.ledger.listRunners()).toEqual([]);
    expect((await h.ledger.getJob(12))?.status).toBe('completed');
  });

  it('frees the slot when the job completes and serves the next job', async () => {
    await h.deliver('workflow_job', queued(1));
    await h.deliver('workflow_job', queued(2));
    await h.deliver('workflow_job', queued(3));
    await h.drain();
    expect(h.compute.running.size).toBe(2);

    const [first] = await h.ledger.listRunners();
    const name = first?.name ?? '';
    await h.deliver(
      'workflow_job',
      workflowJobPayload({
        action: 'in_progress',
        installationId: ORG,
        jobId: 1,
        labels: SMALL,
        runnerName: name,
      }),
    );
    await h.deliver(
      'workflow_job',
      workflowJobPayload({
        action: 'completed',
        installationId: ORG,
        jobId: 1,
        labels: SMALL,
        runnerName: name,
      }),
    );
    await h.drain();

    expect(await h.ledger.getRunner(name)).toMatchObject({
      state: 'done',
      doneReason: 'completed',
      jobId: 1,
    });
    expect(h.compute.launches).toHaveLength(3);
    expect(h.compute.running.size).toBe(2);
  });
});

describe("runners of one tenant named in another tenant's events", () => {
  it.each(['in_progress', 'completed'] as const)(
    '%s from another installation changes nothing',
    async (action) => {
      const h = coreHarness();
      await install(h);
      await install(h, 303, 'mallory');
      await h.deliver('workflow_job', queued(1));
      await h.drain();
      const [runner] = await h.ledger.listRunners();
      const name = runner?.name ?? '';

      await h.deliver(
        'workflow_job',
        workflowJobPayload({
          action,
          installationId: 303,
          jobId: 66,
          labels: SMALL,
          runnerName: name,
        }),
      );
      await h.drain();

      expect(h.logs.filter((l) => l.fields['reason'] === 'runner_of_other_tenant')).toHaveLength(1);
      expect(await h.ledger.getRunner(name)).toMatchObject({
        state: 'launching',
        jobId: undefined,
      });
      expect(h.compute.running.size).toBe(1);
    },
  );
});

describe('jobs that are not ours', () => {
  it.each([
    ['a partial label set (F5)', ['self-hosted', 'linux']],
    ['GitHub-hosted labels (F6)', ['ubuntu-latest']],
  ])('%s are acked with no write and no call', async (_name, labels) => {
    const h = coreHarness();
    await install(h);
    const callsBefore = h.github.calls.length;

    const outcome = await h.deliver('workflow_job', queued(9, labels));

    expect(outcome).toEqual({ status: 'ignored', reason: 'no_matching_tier' });
    expect(await h.ledger.listJobs()).toEqual([]);
    expect(await h.queue.stats()).toMatchObject({ ready: 0, delayed: 0 });
    expect(h.github.calls.length).toBe(callsBefore);
    expect(h.logs.some((l) => l.fields['reason'] === 'no_matching_tier')).toBe(true);
  });

  it('a skipped job completed with no labels and no runner changes nothing (F5)', async () => {
    const h = coreHarness();
    await install(h);
    const outcome = await h.deliver(
      'workflow_job',
      workflowJobPayload({ action: 'completed', installationId: ORG, jobId: 5, labels: [] }),
    );

    expect(outcome.status).toBe('ignored');
    expect(await h.ledger.listJobs()).toEqual([]);
  });

  it('a small job goes only to small and a large one only to large (F5)', async () => {
    const h = coreHarness();
    await install(h);
    await h.deliver('workflow_job', queued(1, SMALL));
    await h.deliver('workflow_job', queued(2, ['self-hosted', 'linux', 'x64', 'large']));
    await h.drain();

    expect(h.compute.launches.map((l) => l.tier).sort()).toEqual(['large', 'small']);
    expect((await h.ledger.getJob(1))?.tier).toBe('small');
    expect((await h.ledger.getJob(2))?.tier).toBe('large');
  });
});

describe('tenants', () => {
  it('registers runners of a User account at repository level (F7)', async () => {
    const h = coreHarness();
    await install(h, 202, 'octocat', 'User');
    await h.deliver(
      'workflow_job',
      workflowJobPayload({
        action: 'queued',
        installationId: 202,
        jobId: 1,
        labels: SMALL,
        repository: 'octocat/hello',
        ownerType: 'User',
      }),
    );
    await h.drain();

    expect(h.github.jitRequests).toHaveLength(1);
    expect(h.github.jitRequests[0]).toMatchObject({ owner: 'octocat', repo: 'hello' });
    expect((await h.ledger.listRunners())[0]?.repository).toBe('octocat/hello');
  });

  it('provisions an installation that predates the deployment from GitHub (F8)', async () => {
    const h = coreHarness();
    h.github.addInstallation({
      installationId: 444,
      accountLogin: 'old-co',
      accountType: 'Organization',
    });

    await h.deliver('workflow_job', queued(1, SMALL, 444));
    await h.drain();

    expect(await h.tenants.get(444)).toMatchObject({
      accountLogin: 'old-co',
      status: 'active',
      tier: 'small',
      maxRunners: 2,
    });
    expect(h.github.calls).toContain('getInstallation:444');
    expect(h.compute.launches).toHaveLength(1);
  });

  it('stops the runners of a deleted installation and keeps its record (F9)', async () => {
    const h = coreHarness();
    await install(h);
    await h.deliver('workflow_job', queued(1));
    await h.deliver('workflow_job', queued(2));
    await h.drain();
    expect(h.compute.countFor(ORG)).toBe(2);

    await h.deliver(
      'installation',
      installationPayload({ action: 'deleted', installationId: ORG, login: 'acme' }),
    );
    await h.drain();
    const callsAfterDelete = h.github.calls.length;
    const later = await h.deliver('workflow_job', queued(3));
    await h.drain();

    expect(h.compute.countFor(ORG)).toBe(0);
    expect(await h.handoff.list()).toEqual([]);
    expect((await h.tenants.get(ORG))?.status).toBe('deleted');
    expect((await h.ledger.listRunners()).map((r) => r.doneReason)).toEqual([
      'tenant_deleted',
      'tenant_deleted',
    ]);
    expect(later).toEqual({ status: 'accepted', reason: 'job_event_queued' });
    expect(await h.ledger.getJob(3)).toBeUndefined();
    expect((await h.decisions.listRecent(ORG, 1))[0]).toMatchObject({
      reason: 'tenant_deleted',
      jobId: 3,
    });
    expect(h.github.calls.length).toBe(callsAfterDelete);
  });

  it('launches nothing while suspended and resumes on unsuspend (F9)', async () => {
    const h = coreHarness();
    await install(h);
    await h.deliver(
      'installation',
      installationPayload({ action: 'suspend', installationId: ORG, login: 'acme' }),
    );
    await h.deliver('workflow_job', queued(1));
    await h.drain();
    expect((await h.ledger.getJob(1))?.status).toBe('queued');
    expect((await h.decisions.listRecent(ORG, 1))[0]).toMatchObject({
      reason: 'tenant_suspended',
      tier: 'small',
    });
    expect(h.compute.launches).toHaveLength(0);

    await h.deliver(
      'installation',
      installationPayload({ action: 'unsuspend', installationId: ORG, login: 'acme' }),
    );
    await h.drain();
    expect(h.compute.launches).toHaveLength(1);
  });
});

describe('failures', () => {
  it('removes the secret, the registration and the slot when the launch fails (F17)', async () => {
    const h = coreHarness();
    await install(h);
    h.compute.failLaunches(1);

    await h.deliver('workflow_job', queued(1));
    const work = await h.queue.lease(60_000);
    const handle = (await import('../../src/core/work-handler.js')).createWorkHandler(h.deps);
    const failure = await handle(work!.item).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(PlatformError);
    expect((failure as PlatformError).code).toBe('capacity');
    expect(await h.handoff.list()).toEqual([]);
    expect(h.github.registered.size).toBe(0);
    expect((await h.ledger.listRunners())[0]).toMatchObject({
      state: 'done',
      doneReason: 'launch_failed',
    });
  });

  it('serves other tenants when one tenant fails, and that one later (F11)', async () => {
    const h = coreHarness();
    for (const [id, login] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ] as const)
      await install(h, id, login);
    h.github.failNext(
      1,
      new PlatformError('unavailable', 'minting a token for installation 1: 500'),
    );

    for (const id of [1, 2, 3]) await h.deliver('workflow_job', queued(id * 10, SMALL, id));
    await h.drain();
    expect([1, 2, 3].map((id) => h.compute.countFor(id))).toEqual([0, 1, 1]);

    h.clock.advance(2_000);
    await h.drain();
    expect([1, 2, 3].map((id) => h.compute.countFor(id))).toEqual([1, 1, 1]);
  });
});
