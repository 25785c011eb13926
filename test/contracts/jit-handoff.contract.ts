import { describe, expect, it } from 'vitest';

import type { RunnerTags } from '../../src/core/ports/compute.js';
import type { JitHandoff } from '../../src/core/ports/jit-handoff.js';

/** Makes an empty handoff for one test. */
export type JitHandoffFactory = () => JitHandoff;

const TAGS: RunnerTags = {
  'ghr:tenant_id': '101',
  'ghr:tenant_tier': 'small',
  'ghr:runner_tier': 'small',
  'ghr:environment': 'test',
  'ghr:runner_name': 'r1',
};

/** What every `JitHandoff` must do: a config is taken at most once. */
export function jitHandoffContract(createHandoff: JitHandoffFactory): void {
  describe('put, take, remove, list', () => {
    it('hands a config to the first taker only', async () => {
      const handoff = createHandoff();
      await handoff.put('r1', 'config-r1', TAGS);

      const first = await handoff.take('r1');
      const second = await handoff.take('r1');

      expect(first).toBe('config-r1');
      expect(second).toBeUndefined();
      expect(await handoff.list()).toEqual([]);
    });

    it('answers undefined for a runner whose config was never put', async () => {
      const handoff = createHandoff();

      expect(await handoff.take('ghost')).toBeUndefined();
    });

    it('lists the runners whose config still waits, by name', async () => {
      const handoff = createHandoff();
      await handoff.put('r2', 'config-r2', TAGS);
      await handoff.put('r1', 'config-r1', TAGS);
      await handoff.put('r3', 'config-r3', TAGS);
      await handoff.take('r3');

      expect(await handoff.list()).toEqual(['r1', 'r2']);
    });

    it('removes a config so it can no longer be taken, and removing twice is fine', async () => {
      const handoff = createHandoff();
      await handoff.put('r1', 'config-r1', TAGS);

      await handoff.remove('r1');
      await handoff.remove('r1');
      await handoff.remove('never-put');

      expect(await handoff.take('r1')).toBeUndefined();
      expect(await handoff.list()).toEqual([]);
    });

    it('keeps the latest config when one is put again for the same runner', async () => {
      const handoff = createHandoff();
      await handoff.put('r1', 'config-old', TAGS);
      await handoff.put('r1', 'config-new', TAGS);

      expect(await handoff.take('r1')).toBe('config-new');
    });
  });
}
