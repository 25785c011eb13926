import { describe, expect, it } from 'vitest';

import { applyRunnerPatch } from '../../src/core/runner.js';
import { launchingRunner } from '../../src/core/slot.js';
import { aSlotRequest, minutesIn } from '../contracts/fixtures.js';

describe('a runner registration time', () => {
  const launched = launchingRunner(aSlotRequest({ at: minutesIn(0) }));

  it('is stamped when GitHub registers the runner, before it comes online', () => {
    const registered = applyRunnerPatch(launched, { githubRunnerId: 77, at: minutesIn(1) });
    const busy = applyRunnerPatch(registered, { state: 'busy', jobId: 5, at: minutesIn(3) });

    expect(registered.registeredAt).toBe(minutesIn(1));
    expect(busy).toMatchObject({ registeredAt: minutesIn(1), startedAt: minutesIn(3) });
  });

  it('is stamped when the runner is first seen online, if no registration was recorded', () => {
    const busy = applyRunnerPatch(launched, { state: 'busy', jobId: 5, at: minutesIn(2) });

    expect(busy.registeredAt).toBe(minutesIn(2));
  });

  it('stays unset while the runner is only launching on a machine', () => {
    const started = applyRunnerPatch(launched, { computeId: 'm-1', at: minutesIn(1) });

    expect(started.registeredAt).toBeUndefined();
  });
});
