import { describe, expect, it } from 'vitest';

import type { Runner } from '../../src/core/runner.js';
import { summariseUsage } from '../../src/core/usage.js';

function runner(name: string, tier: string, launched: number, done?: number): Runner {
  const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString();
  return {
    name,
    installationId: 1,
    tier,
    tenantTier: 'small',
    repository: undefined,
    state: done === undefined ? 'busy' : 'done',
    githubRunnerId: undefined,
    computeId: undefined,
    machine: undefined,
    jobId: undefined,
    launchedAt: at(launched),
    registeredAt: undefined,
    startedAt: undefined,
    doneAt: done === undefined ? undefined : at(done),
    doneReason: done === undefined ? undefined : 'completed',
  };
}

describe('summariseUsage', () => {
  it('sums runner-seconds per tier and finds the peak overlap', () => {
    const runners = [
      runner('a', 'small', 0, 10),
      runner('b', 'small', 5, 15),
      runner('c', 'small', 10, 20),
      runner('d', 'large', 12),
    ];
    const [usage] = summariseUsage(
      runners,
      [],
      new Date(Date.UTC(2024, 0, 1, 0, 0, 30)).toISOString(),
    );

    expect(usage?.peakRunners).toBe(3);
    expect(usage?.byTier).toEqual({
      small: { runners: 3, runnerSeconds: 30 },
      large: { runners: 1, runnerSeconds: 18 },
    });
  });

  it('does not count a runner that ends as another starts as overlapping', () => {
    const [usage] = summariseUsage(
      [runner('a', 'small', 0, 10), runner('b', 'small', 10, 20)],
      [],
      new Date().toISOString(),
    );
    expect(usage?.peakRunners).toBe(1);
  });
});
