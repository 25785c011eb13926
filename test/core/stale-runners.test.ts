import { beforeEach, describe, expect, it } from 'vitest';

import { PlatformError } from '../../src/core/errors.js';
import { sweep } from '../../src/core/sweep.js';
import type { CoreHarness } from '../support/core-harness.js';
import { coreHarness } from '../support/core-harness.js';
import { installationPayload, workflowJobPayload } from '../support/webhook-payloads.js';

const SMALL = ['self-hosted', 'linux', 'x64', 'small'];
const MINUTE = 60_000;

async function withOneRunner(): Promise<{ h: CoreHarness; name: string }> {
  const h = coreHarness();
  await h.deliver(
    'installation',
    installationPayload({ action: 'created', installationId: 1, login: 'acme' }),
  );
  await h.deliver(
    'workflow_job',
    workflowJobPayload({ action: 'queued', installationId: 1, jobId: 1, labels: SMALL }),
  );
  await h.drain();
  const [runner] = await h.ledger.listRunners();
  return { h, name: runner?.name ?? '' };
}

describe('runners that hold a slot without serving (F15)', () => {
  let h: CoreHarness;
  let name: string;
  beforeEach(async () => {
    ({ h, name } = await withOneRunner());
  });

  it('leaves a runner launched 3 minutes ago alone', async () => {
    h.clock.advance(3 * MINUTE);
    await sweep(h.deps);
    await h.drain();

    expect((await h.ledger.getRunner(name))?.state).toBe('launching');
    expect(h.compute.running.size).toBe(1);
  });

  it('stops one launched 20 minutes ago that never took a job, and frees its slot', async () => {
    h.clock.advance(20 * MINUTE);
    await sweep(h.deps);
    await h.drain();

    expect(await h.ledger.getRunner(name)).toMatchObject({
      state: 'done',
      doneReason: 'boot_timeout',
    });
    expect(h.github.registered.size).toBe(0);
    expect(h.compute.launches).toHaveLength(1);
    expect(h.compute.running.size).toBe(0);
  });

  it('never stops a runner GitHub reports busy: its job event was missed', async () => {
    const [registration] = h.github.registered.values();
    h.github.registered.set(registration!.id, { ...registration!, busy: true, status: 'online' });
    h.clock.advance(20 * MINUTE);
    await sweep(h.deps);
    await h.drain();

    expect((await h.ledger.getRunner(name))?.state).toBe('busy');
    expect([...h.compute.running.values()].map((m) => m.runnerName)).toContain(name);
  });

  it('stops nothing in a cycle where GitHub cannot list runners', async () => {
    h.clock.advance(20 * MINUTE);
    h.github.failNext(1, new PlatformError('unavailable', 'GitHub is down: 502'), 2);
    await sweep(h.deps);
    await h.drain();

    expect((await h.ledger.getRunner(name))?.state).toBe('launching');
    expect(h.compute.running.size).toBe(1);
  });

  it('ends a launch cut short by a crash, deleting its registration by name', async () => {
    // What a crash right after registration leaves: a slot and a registration, no machine.
    await h.ledger.observeJob({
      id: 2,
      installationId: 1,
      tier: 'small',
      repository: 'acme/app',
      runId: 2,
      labels: SMALL,
      status: 'queued',
      runnerName: undefined,
      conclusion: undefined,
      at: new Date(h.clock.now()).toISOString(),
    });
    const taken = await h.ledger.takeSlot({
      installationId: 1,
      tier: 'small',
      tenantTier: 'small',
      repository: undefined,
      runnerName: 'ghr-1-small-crashed',
      limits: { tenantMax: 2, tierMax: 2 },
      at: new Date(h.clock.now()).toISOString(),
    });
    expect(taken.taken).toBe(true);
    await h.github.generateJitConfig({
      installationId: 1,
      owner: 'acme',
      repo: undefined,
      runnerName: 'ghr-1-small-crashed',
      labels: SMALL,
      runnerGroup: undefined,
      workFolder: '_work',
    });

    h.clock.advance(6 * MINUTE);
    await sweep(h.deps);
    await h.drain();

    expect(await h.ledger.getRunner('ghr-1-small-crashed')).toMatchObject({
      state: 'done',
      doneReason: 'launch_abandoned',
    });
    expect([...h.github.registered.values()].map((r) => r.name)).not.toContain(
      'ghr-1-small-crashed',
    );
  });
});

describe('a runner command that ends at once', () => {
  it('waits before the next launch instead of looping', async () => {
    const { h, name } = await withOneRunner();
    await h.queue.enqueue({
      kind: 'runner_finished',
      runnerName: name,
      tier: 'small',
      reason: 'exited',
    });
    await h.drain();
    expect(h.compute.launches).toHaveLength(1);

    h.clock.advance(31_000);
    await h.drain();
    expect(h.compute.launches).toHaveLength(2);
  });
});

describe('fairness when a slot frees', () => {
  it('asks first for the tier whose job has waited longest', async () => {
    const h = coreHarness();
    await h.deliver(
      'installation',
      installationPayload({ action: 'created', installationId: 1, login: 'acme' }),
    );
    await h.tenants.update(1, { maxRunners: 1, updatedAt: new Date(0).toISOString() });
    await h.deliver(
      'workflow_job',
      workflowJobPayload({
        action: 'queued',
        installationId: 1,
        jobId: 1,
        labels: ['self-hosted', 'linux', 'x64', 'large'],
      }),
    );
    await h.drain();
    h.clock.advance(1000);
    await h.deliver(
      'workflow_job',
      workflowJobPayload({ action: 'queued', installationId: 1, jobId: 2, labels: SMALL }),
    );
    h.clock.advance(1000);
    await h.deliver(
      'workflow_job',
      workflowJobPayload({
        action: 'queued',
        installationId: 1,
        jobId: 3,
        labels: ['self-hosted', 'linux', 'x64', 'large'],
      }),
    );
    await h.drain();
    const [first] = await h.ledger.listRunners();

    const done = {
      installationId: 1,
      jobId: 1,
      labels: ['self-hosted', 'linux', 'x64', 'large'],
      runnerName: first?.name ?? '',
    };
    await h.deliver('workflow_job', workflowJobPayload({ action: 'in_progress', ...done }));
    await h.deliver('workflow_job', workflowJobPayload({ action: 'completed', ...done }));
    await h.drain();

    expect(h.compute.launches.map((l) => l.tier)).toEqual(['large', 'small']);
  });
});

describe('jobs whose later webhooks were lost (F16)', () => {
  it('closes a queued job that GitHub reports completed, and launches nothing more for it', async () => {
    const { h, name } = await withOneRunner();
    h.github.jobs.set(1, { id: 1, status: 'completed', runnerName: name, conclusion: 'success' });
    h.clock.advance(11 * MINUTE);

    await sweep(h.deps);
    await h.drain();

    expect((await h.ledger.getJob(1))?.status).toBe('completed');
    expect(h.compute.launches).toHaveLength(1);
  });

  it('closes a queued job GitHub no longer knows', async () => {
    const { h } = await withOneRunner();
    h.github.jobs.set(1, null);
    h.clock.advance(11 * MINUTE);

    await sweep(h.deps);

    expect(await h.ledger.getJob(1)).toMatchObject({
      status: 'completed',
      conclusion: 'not_found',
    });
  });

  it('asks GitHub about a job once per interval, not on every sweep', async () => {
    const { h } = await withOneRunner();
    const memory = new Map<number, number>();
    h.clock.advance(11 * MINUTE);

    await sweep(h.deps, memory);
    await sweep(h.deps, memory);
    h.clock.advance(11 * MINUTE);
    await sweep(h.deps, memory);

    expect(h.github.calls.filter((c) => c.startsWith('getJob'))).toHaveLength(2);
  });
});

describe('a busy runner whose machine vanished before any sweep saw it', () => {
  it('is ended as machine_gone on the next sweep', async () => {
    const { h, name } = await withOneRunner();
    const job = { installationId: 1, jobId: 1, labels: SMALL, runnerName: name };
    await h.deliver('workflow_job', workflowJobPayload({ action: 'in_progress', ...job }));
    await h.drain();
    // The ledger has no id for the machine yet; it goes without a completed event.
    await h.compute.stopRunner(name);

    const result = await sweep(h.deps);
    await h.drain();

    expect(result).toMatchObject({ runnersGone: 1 });
    expect(await h.ledger.getRunner(name)).toMatchObject({
      state: 'done',
      doneReason: 'machine_gone',
    });
  });

  it('leaves a launching runner with no machine on record to the launch timeout', async () => {
    const { h, name } = await withOneRunner();
    await h.compute.stopRunner(name);

    const result = await sweep(h.deps);

    expect(result).toMatchObject({ runnersGone: 0 });
    expect((await h.ledger.getRunner(name))?.state).toBe('launching');
  });
});

describe('a runner killed in the middle of its job', () => {
  it('has its registration deleted, since GitHub removes it only after a completed job', async () => {
    const { h, name } = await withOneRunner();
    const job = { installationId: 1, jobId: 1, labels: SMALL, runnerName: name };
    await h.deliver('workflow_job', workflowJobPayload({ action: 'in_progress', ...job }));
    await h.queue.enqueue({
      kind: 'runner_finished',
      runnerName: name,
      tier: 'small',
      reason: 'exited',
    });
    await h.drain();

    expect((await h.ledger.getRunner(name))?.state).toBe('done');
    expect(h.github.registered.size).toBe(0);
  });
});
