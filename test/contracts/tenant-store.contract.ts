import { describe, expect, it } from 'vitest';

import type { TenantPatch, TenantStore } from '../../src/core/ports/tenant-store.js';
import { aTenant, expectRefused, minutesIn } from './fixtures.js';

/** Makes an empty store for one test. */
export type TenantStoreFactory = () => TenantStore;

/** What every `TenantStore` must do, whatever holds the tenants. */
export function tenantStoreContract(createStore: TenantStoreFactory): void {
  describe('get and createIfAbsent', () => {
    it('returns undefined for an installation it has never seen', async () => {
      const store = createStore();

      expect(await store.get(404)).toBeUndefined();
    });

    it('stores a new tenant and returns it', async () => {
      const store = createStore();
      const tenant = aTenant({ runnerGroup: 'builders', tierOverrides: { large: 1 } });

      expect(await store.createIfAbsent(tenant)).toEqual(tenant);
      expect(await store.get(tenant.installationId)).toEqual(tenant);
    });

    it('keeps the first record when the tenant exists, and returns that one', async () => {
      const store = createStore();
      const first = aTenant({ accountLogin: 'first' });
      await store.createIfAbsent(first);

      const answer = await store.createIfAbsent(aTenant({ accountLogin: 'second', maxRunners: 9 }));

      expect(answer).toEqual(first);
      expect(await store.get(first.installationId)).toEqual(first);
    });

    it('agrees on one record when two provisioners race', async () => {
      const store = createStore();

      const [a, b] = await Promise.all([
        store.createIfAbsent(aTenant({ accountLogin: 'racer-a' })),
        store.createIfAbsent(aTenant({ accountLogin: 'racer-b' })),
      ]);

      expect(a).toEqual(b);
      expect(await store.list()).toEqual([a]);
    });
  });

  describe('put', () => {
    it('replaces the whole record of an installation made anew', async () => {
      const store = createStore();
      await store.createIfAbsent(
        aTenant({ status: 'deleted', runnerGroup: 'old', tierOverrides: { large: 3 } }),
      );
      const fresh = aTenant({ createdAt: minutesIn(60), updatedAt: minutesIn(60) });

      await store.put(fresh);

      expect(await store.get(fresh.installationId)).toEqual(fresh);
    });
  });

  describe('update', () => {
    it('changes only the fields the patch names', async () => {
      const store = createStore();
      const tenant = aTenant({ runnerGroup: 'builders' });
      await store.createIfAbsent(tenant);

      const updated = await store.update(tenant.installationId, {
        maxRunners: 12,
        tierOverrides: { large: 2 },
        updatedAt: minutesIn(5),
      });

      const expected = {
        ...tenant,
        maxRunners: 12,
        tierOverrides: { large: 2 },
        updatedAt: minutesIn(5),
      };
      expect(updated).toEqual(expected);
      expect(await store.get(tenant.installationId)).toEqual(expected);
    });

    it('applies every field a patch may carry', async () => {
      const store = createStore();
      await store.createIfAbsent(aTenant());

      const updated = await store.update(101, {
        status: 'suspended',
        tier: 'large',
        maxRunners: 0,
        tierOverrides: {},
        runnerGroup: 'gpu',
        accountLogin: 'renamed-org',
        updatedAt: minutesIn(7),
      });

      expect(updated).toMatchObject({
        status: 'suspended',
        tier: 'large',
        maxRunners: 0,
        runnerGroup: 'gpu',
        accountLogin: 'renamed-org',
        updatedAt: minutesIn(7),
        createdAt: minutesIn(0),
      });
    });

    it('clears the runner group on null and keeps it when the field is absent', async () => {
      const store = createStore();
      await store.createIfAbsent(aTenant({ runnerGroup: 'builders' }));

      const kept = await store.update(101, { status: 'suspended', updatedAt: minutesIn(1) });
      const cleared = await store.update(101, { runnerGroup: null, updatedAt: minutesIn(2) });

      expect(kept?.runnerGroup).toBe('builders');
      expect(cleared?.runnerGroup).toBeUndefined();
      expect((await store.get(101))?.runnerGroup).toBeUndefined();
    });

    it('returns undefined for an unknown installation and creates nothing', async () => {
      const store = createStore();

      const answer = await store.update(404, { maxRunners: 3, updatedAt: minutesIn(1) });

      expect(answer).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });
  });

  describe('list', () => {
    it('lists every tenant by installation id, or only those of one status', async () => {
      const store = createStore();
      await store.createIfAbsent(aTenant({ installationId: 3, status: 'suspended' }));
      await store.createIfAbsent(aTenant({ installationId: 1 }));
      await store.createIfAbsent(aTenant({ installationId: 2, status: 'deleted' }));
      await store.createIfAbsent(aTenant({ installationId: 4 }));

      const all = await store.list();
      const active = await store.list({ status: 'active' });
      const deleted = await store.list({ status: 'deleted' });

      expect(all.map((t) => t.installationId)).toEqual([1, 2, 3, 4]);
      expect(active.map((t) => t.installationId)).toEqual([1, 4]);
      expect(deleted.map((t) => t.installationId)).toEqual([2]);
    });
  });

  describe('refusing bad input', () => {
    const badPatches: [string, Partial<TenantPatch>, string, string][] = [
      ['a negative maxRunners', { maxRunners: -1 }, 'maxRunners', '-1'],
      ['a fractional maxRunners', { maxRunners: 1.5 }, 'maxRunners', '1.5'],
      ['an unknown status', { status: 'paused' as never }, 'status', '"paused"'],
      ['a negative tier cap', { tierOverrides: { large: -2 } }, 'tierOverrides.large', '-2'],
      ['an empty runner group', { runnerGroup: '' }, 'runnerGroup', '""'],
      ['an empty tier', { tier: ' ' }, 'tier', '" "'],
      ['a time that is not ISO', { updatedAt: 'yesterday' }, 'updatedAt', '"yesterday"'],
    ];

    it.each(badPatches)(
      'refuses a patch with %s and leaves the tenant as it was',
      async (_case, bad, field, shown) => {
        const store = createStore();
        const tenant = aTenant({ runnerGroup: 'builders' });
        await store.createIfAbsent(tenant);

        await expectRefused(
          store.update(101, { updatedAt: minutesIn(9), maxRunners: 7, ...bad }),
          'invalid_input',
          field,
          shown,
        );

        expect(await store.get(101)).toEqual(tenant);
      },
    );

    it('refuses to store a tenant with a bad field, on create and on put', async () => {
      const store = createStore();
      const good = aTenant();
      await store.createIfAbsent(good);

      await expectRefused(
        store.put(aTenant({ maxRunners: -3 })),
        'invalid_input',
        'maxRunners',
        '-3',
      );
      await expectRefused(
        store.createIfAbsent(aTenant({ installationId: 7, accountType: 'Team' as never })),
        'invalid_input',
        'accountType',
        '"Team"',
      );

      expect(await store.list()).toEqual([good]);
    });
  });
}
