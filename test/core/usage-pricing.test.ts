import { describe, expect, it } from 'vitest';

import type { Job } from '../../src/core/job.js';
import type { PriceTable } from '../../src/core/pricing.js';
import { billedSeconds, roundCost, runnerCost } from '../../src/core/pricing.js';
import type { Runner } from '../../src/core/runner.js';
import { summariseUsage } from '../../src/core/usage.js';

const t = (seconds: number) => new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString();

function runner(overrides: Partial<Runner> & Pick<Runner, 'name'>): Runner {
  return {
    installationId: 1,
    tier: 'small',
    tenantTier: 'small',
    repository: undefined,
    state: 'done',
    githubRunnerId: 1,
    computeId: 'm-1',
    machine: 'local',
    jobId: undefined,
    launchedAt: t(0),
    registeredAt: undefined,
    startedAt: undefined,
    doneAt: t(100),
    doneReason: 'completed',
    ...overrides,
  };
}

function job(id: number, started: number, completed: number): Job {
  return {
    id,
    installationId: 1,
    tier: 'small',
    repository: 'o/r',
    runId: id,
    labels: [],
    status: 'completed',
    runnerName: undefined,
    conclusion: 'success',
    createdAt: t(0),
    updatedAt: t(completed),
    startedAt: t(started),
    completedAt: t(completed),
  };
}

const PRICES: PriceTable = {
  currency: 'USD',
  instanceTypes: { 'm7i.large': { amount: 7.2, per: 'hour' } },
  tiers: { small: { amount: 0.06, per: 'minute' } },
};

describe('runner cost', () => {
  it.each([
    [0, 60],
    [1, 60],
    [59.9, 60],
    [60, 60],
    [60.2, 61],
    [3600, 3600],
  ])(
    'bills %d s as %d s: per second, at least 60, a started second counted whole',
    (ran, billed) => {
      expect(billedSeconds(ran)).toBe(billed);
    },
  );

  it('prices by the machine when it has a price, else by the tier', () => {
    expect(runnerCost(PRICES, runner({ name: 'a', machine: 'm7i.large' }), 100)).toBeCloseTo(0.2);
    expect(runnerCost(PRICES, runner({ name: 'b', machine: 'local' }), 100)).toBeCloseTo(0.1);
    expect(runnerCost(PRICES, runner({ name: 'c', tier: 'gpu' }), 100)).toBeUndefined();
  });

  it('charges nothing for a runner that never got a machine', () => {
    const failed = runner({ name: 'f', machine: undefined, computeId: undefined });
    expect(runnerCost(PRICES, failed, 30)).toBe(0);
  });

  it('rounds to 4 places, half away from zero', () => {
    expect(roundCost(0.00005)).toBe(0.0001);
    expect(roundCost(0.00004999)).toBe(0);
    expect(roundCost(1.23456)).toBe(1.2346);
  });
});

describe('summariseUsage with options', () => {
  it('keeps a line without a price uncosted, and names what had no price', () => {
    const runners = [
      runner({ name: 'a', jobId: 1, machine: 'local', tier: 'small' }),
      runner({ name: 'b', jobId: 2, machine: 'gpu-box', tier: 'gpu' }),
    ];
    const [usage] = summariseUsage(runners, [job(1, 10, 90), job(2, 20, 40)], t(200), {
      pricing: PRICES,
    });

    expect(usage?.lines).toEqual([
      expect.objectContaining({ key: 'gpu', kind: 'jobs', cost: undefined, jobSeconds: 20 }),
      expect.objectContaining({ key: 'small', kind: 'jobs', cost: 0.1, jobSeconds: 80 }),
    ]);
    expect(usage?.total.cost).toBeUndefined();
    expect(usage?.unpriced).toEqual(['gpu-box (tier gpu)']);
  });

  it('has no costs at all without a price table', () => {
    const [usage] = summariseUsage([runner({ name: 'a', jobId: 1 })], [job(1, 0, 50)], t(200));

    expect(usage?.lines[0]?.cost).toBeUndefined();
    expect(usage?.unpriced).toEqual([]);
  });

  it("takes a job's times from the runner when the ledger lost the job", () => {
    const served = runner({ name: 'a', jobId: 42, startedAt: t(30), doneAt: t(100) });

    const [usage] = summariseUsage([served], [], t(200));

    expect(usage?.total).toMatchObject({ runners: 1, jobs: 1, runnerSeconds: 100, jobSeconds: 70 });
  });

  it('counts an active runner up to now, and says how many are still open', () => {
    const active = runner({ name: 'a', state: 'busy', jobId: 1, doneAt: undefined });

    const [usage] = summariseUsage([active], [job(1, 10, 20)], t(300));

    expect(usage?.total.runnerSeconds).toBe(300);
    expect(usage?.openRunners).toBe(1);
  });

  it('still fills the per-tier seconds and peak the demo prints', () => {
    const [usage] = summariseUsage(
      [runner({ name: 'a' }), runner({ name: 'b', launchedAt: t(50), doneAt: t(150) })],
      [],
      t(200),
    );

    expect(usage?.byTier).toEqual({ small: { runners: 2, runnerSeconds: 200 } });
    expect(usage?.peakRunners).toBe(2);
  });
});
