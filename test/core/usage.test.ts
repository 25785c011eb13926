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

  it('sums times with milliseconds exactly, with no float noise', () => {
    const ran = (name: string, from: string, to: string): Runner => ({
      ...runner(name, 'small', 0, 1),
      launchedAt: `2024-01-01T00:00:${from}Z`,
      doneAt: `2024-01-01T00:00:${to}Z`,
    });
    // 20.1 + 57.727 + 1.1 is 78.92699999999999 in floating point.
    const runners = [
      ran('a', '00.000', '20.100'),
      ran('b', '01.000', '58.727'),
      ran('c', '02.000', '03.100'),
    ];

    const [usage] = summariseUsage(runners, [], '2024-01-01T00:01:00.000Z');

    expect(usage?.byTier['small']?.runnerSeconds).toBe(78.927);
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
