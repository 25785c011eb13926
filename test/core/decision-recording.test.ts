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
  it('records a reconcile that stopped at the tenant limit, with what it launched', async () => {
    const h = coreHarness({ storage });
    await install(h);
    for (const id of [1, 2, 3]) await h.deliver('workflow_job', queued(id));

    await h.drain();

    expect(await h.decisions.listRecent(ORG, 10)).toEqual([
      expect.objectContaining({
        installationId: ORG,
        tier: 'small',
        reason: 'at_tenant_limit',
        launched: 2,
        repeats: 1,
      }),
    ]);
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

    const [newest, first] = await h.decisions.listRecent(ORG, 10);
    expect(newest).toMatchObject({ reason: 'at_tenant_limit', launched: 0, repeats: 2 });
    expect(newest?.lastAt).toBe(new Date(h.clock.now()).toISOString());
    expect(first).toMatchObject({ reason: 'at_tenant_limit', launched: 2 });
  });

  it('records the job of a suspended tenant as tenant_suspended', async () => {
    const h = coreHarness({ storage });
    await install(h);
    await install(h, 'suspend');

    await h.deliver('workflow_job', queued(7));

    expect(await h.decisions.listRecent(ORG, 10)).toEqual([
      expect.objectContaining({ reason: 'tenant_suspended', tier: 'small', jobId: 7 }),
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

    const outcome = await h.deliver('workflow_job', queued(1));
    await h.drain();

    expect(outcome).toEqual({ status: 'accepted', reason: 'queued_for_reconcile' });
    expect(h.compute.running.size).toBe(1);
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'could not record a decision',
        fields: expect.objectContaining({ reason: 'launched', tenant_id: ORG }),
      }),
    );
  });
});
