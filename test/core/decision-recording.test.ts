import { describe, expect, it } from 'vitest';

import { PlatformError } from '../../src/core/errors.js';
import type { DecisionLog } from '../../src/core/ports/decision-log.js';
import { reconcileTier } from '../../src/core/reconcile.js';
import type { CoreHarness } from '../support/core-harness.js';
import { coreHarness } from '../support/core-harness.js';
import { installationPayload, workflowJobPayload } from '../support/webhook-payloads.js';

const SMALL = ['self-hosted', 'linux', 'x64', 'small'];
const ORG = 101;

async function install(h: CoreHarness, action = 'created') {
  await h.deliver(
    'installation',
    installationPayload({ action, installationId: ORG, login: 'acme' }),
  );
}

function queued(jobId: number, labels: readonly string[] = SMALL) {
  return workflowJobPayload({ action: 'queued', installationId: ORG, jobId, labels });
}

describe.each(['memory', 'sqlite'] as const)('decisions recorded by the core (%s)', (storage) => {
  it('records a job refused at the tenant limit; launches are their runners own record', async () => {
    const h = coreHarness({ storage });
    await install(h);
    for (const id of [1, 2, 3]) await h.deliver('workflow_job', queued(id));

    await h.drain();

    expect(await h.ledger.listRunners()).toHaveLength(2);
    expect(await h.decisions.listRecent(ORG, 10)).toEqual([
      expect.objectContaining({
        installationId: ORG,
        tier: 'small',
        reason: 'at_tenant_limit',
        launched: 0,
        jobId: undefined,
        repeats: 1,
      }),
    ]);
  });

  it('records a reconcile that stopped at the tenant limit, with what it launched', async () => {
    const h = coreHarness({ storage });
    await install(h, 'suspend');
    for (const id of [1, 2, 3]) await h.deliver('workflow_job', queued(id));
    await h.drain();
    const at = new Date(h.clock.now()).toISOString();
    await h.tenants.update(ORG, { status: 'active', updatedAt: at });

    await reconcileTier(h.deps, ORG, 'small');

    expect((await h.decisions.listRecent(ORG, 10))[0]).toEqual(
      expect.objectContaining({ tier: 'small', reason: 'at_tenant_limit', launched: 2 }),
    );
  });

  it('folds the reconciles that keep finding the tenant at its limit into one line', async () => {
    const h = coreHarness({ storage });
    await install(h);
    for (const id of [1, 2, 3]) await h.deliver('workflow_job', queued(id));
    await h.drain();

    for (const id of [4, 5]) {
      h.clock.advance(1_000);
      await h.deliver('workflow_job', queued(id));
      await h.drain();
    }
    h.clock.advance(1_000);
    await reconcileTier(h.deps, ORG, 'small');

    const decisions = await h.decisions.listRecent(ORG, 10);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ reason: 'at_tenant_limit', launched: 0, repeats: 4 });
    expect(decisions[0]?.lastAt).toBe(new Date(h.clock.now()).toISOString());
  });

  it('records the job of a suspended tenant as tenant_suspended', async () => {
    const h = coreHarness({ storage });
    await install(h);
    await install(h, 'suspend');

    await h.deliver('workflow_job', queued(7));
    await h.drain();

    expect(await h.decisions.listRecent(ORG, 10)).toEqual([
      // Decided by the tier's reconcile, on a fresh read of the tenant: one line per tier.
      expect.objectContaining({ reason: 'tenant_suspended', tier: 'small', jobId: undefined }),
    ]);
  });

  it('records a self-hosted job that matches no tier, with its labels', async () => {
    const h = coreHarness({ storage });
    await install(h);

    await h.deliver('workflow_job', queued(8, ['self-hosted', 'linux', 'x64', 'smal']));

    expect(await h.decisions.listRecent(ORG, 10)).toEqual([
      expect.objectContaining({
        reason: 'no_matching_tier',
        tier: undefined,
        detail: 'labels self-hosted, linux, x64, smal',
      }),
    ]);
  });

  it('records nothing for jobs on GitHub-hosted runners', async () => {
    const h = coreHarness({ storage });
    await install(h);

    await h.deliver('workflow_job', queued(9, ['ubuntu-latest']));

    expect(await h.decisions.listRecent(ORG, 10)).toEqual([]);
  });

  it('records a job event for a tier no longer configured, and says so in the log', async () => {
    const h = coreHarness({ storage });
    await install(h);

    await h.queue.enqueue({
      kind: 'job_event',
      deliveryId: 'd-gpu',
      installationId: ORG,
      tier: 'gpu',
      jobId: 31,
      runId: 9031,
      repository: 'acme/app',
      labels: ['self-hosted', 'gpu'],
      status: 'queued',
      at: new Date(h.clock.now()).toISOString(),
    });
    await h.drain();

    expect(await h.decisions.listRecent(ORG, 10)).toEqual([
      expect.objectContaining({ reason: 'unknown_tier', tier: 'gpu', jobId: 31 }),
    ]);
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ reason: 'unknown_tier', tier: 'gpu', job_id: 31 }),
      }),
    );
  });

  it('records a reconcile for a tier that is no longer configured', async () => {
    const h = coreHarness({ storage });
    await install(h);

    await reconcileTier(h.deps, ORG, 'gpu');

    expect(await h.decisions.listRecent(ORG, 10)).toEqual([
      expect.objectContaining({ reason: 'unknown_tier', tier: 'gpu', launched: 0 }),
    ]);
  });
});

describe('a decision log that fails', () => {
  it('neither fails the webhook nor the reconcile, and says so in the log', async () => {
    const failing: DecisionLog = {
      record: async () => {
        throw new PlatformError('unavailable', 'the decision store is down');
      },
      listRecent: async () => [],
    };
    const h = coreHarness({ decisions: failing });
    await install(h);

    const outcomes = [];
    for (const id of [1, 2, 3]) outcomes.push(await h.deliver('workflow_job', queued(id)));
    await h.drain();

    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(h.compute.running.size).toBe(2);
    expect(await h.queue.stats()).toMatchObject({ ready: 0, delayed: 0, dead: 0 });
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'could not record a decision',
        fields: expect.objectContaining({ reason: 'at_tenant_limit', tenant_id: ORG }),
      }),
    );
  });
});
