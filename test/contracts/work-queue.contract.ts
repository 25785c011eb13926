import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import type { Clock } from '../../src/core/ports/clock.js';
import type { WorkItem, WorkQueue } from '../../src/core/ports/work-queue.js';
import { expectRefused } from './fixtures.js';

/** Makes an empty queue for one test that reads time from `clock`. */
export type WorkQueueFactory = (clock: Clock) => WorkQueue;

const reconcile = (tier: string, installationId = 101): WorkItem => ({
  kind: 'reconcile',
  installationId,
  tier,
});

const LEASE_MS = 30_000;

/** What every `WorkQueue` must do: order, delay, coalescing, leases and dead letters. */
export function workQueueContract(createQueue: WorkQueueFactory): void {
  const setUp = (): { clock: ManualClock; queue: WorkQueue } => {
    const clock = new ManualClock();
    return { clock, queue: createQueue(clock) };
  };

  const drain = async (queue: WorkQueue): Promise<WorkItem[]> => {
    const items: WorkItem[] = [];
    for (let work = await queue.lease(LEASE_MS); work; work = await queue.lease(LEASE_MS)) {
      items.push(work.item);
    }
    return items;
  };

  describe('order and delay', () => {
    it('has nothing to lease when empty', async () => {
      const { queue } = setUp();

      expect(await queue.lease(LEASE_MS)).toBeUndefined();
      expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 0 });
    });

    it('leases items in order of the time they become visible', async () => {
      const { clock, queue } = setUp();
      await queue.enqueue(reconcile('late'), { delayMs: 500 });
      await queue.enqueue(reconcile('first'));
      clock.advance(10);
      await queue.enqueue({
        kind: 'runner_finished',
        runnerName: 'r1',
        tier: 'small',
        reason: 'completed',
      });

      const now = await drain(queue);
      clock.advance(500);
      const later = await drain(queue);

      expect(now).toEqual([
        reconcile('first'),
        { kind: 'runner_finished', runnerName: 'r1', tier: 'small', reason: 'completed' },
      ]);
      expect(later).toEqual([reconcile('late')]);
    });

    it('holds a delayed item back until its time', async () => {
      const { clock, queue } = setUp();
      await queue.enqueue({ kind: 'tenant_removed', installationId: 7 }, { delayMs: 1_000 });

      const early = await queue.lease(LEASE_MS);
      const waiting = await queue.stats();
      clock.advance(1_000);
      const due = await queue.lease(LEASE_MS);

      expect(early).toBeUndefined();
      expect(waiting).toEqual({ ready: 0, delayed: 1, leased: 0, dead: 0 });
      expect(due).toMatchObject({
        item: { kind: 'tenant_removed', installationId: 7 },
        attempt: 1,
      });
    });
  });

  describe('coalescing', () => {
    it('keeps one item for repeated work of the same key', async () => {
      const { queue } = setUp();
      await queue.enqueue(reconcile('small'));
      await queue.enqueue(reconcile('small'));
      await queue.enqueue(reconcile('small', 202));

      expect(await queue.stats()).toMatchObject({ ready: 2 });
      expect(await drain(queue)).toEqual([reconcile('small'), reconcile('small', 202)]);
    });

    it('makes the coalesced item visible at the earlier of the two times', async () => {
      const { queue } = setUp();
      await queue.enqueue(reconcile('small'), { delayMs: 60_000 });
      await queue.enqueue(reconcile('small'));
      await queue.enqueue(reconcile('small'), { delayMs: 90_000 });

      expect(await queue.stats()).toEqual({ ready: 1, delayed: 0, leased: 0, dead: 0 });
      expect(await drain(queue)).toEqual([reconcile('small')]);
    });

    it('adds a new item when the one with that key is leased', async () => {
      const { queue } = setUp();
      await queue.enqueue(reconcile('small'));
      const held = await queue.lease(LEASE_MS);

      await queue.enqueue(reconcile('small'));

      expect(held?.item).toEqual(reconcile('small'));
      expect(await queue.stats()).toEqual({ ready: 1, delayed: 0, leased: 1, dead: 0 });
      expect(await queue.lease(LEASE_MS)).toMatchObject({ item: reconcile('small'), attempt: 1 });
    });
  });

  describe('leases', () => {
    it('hides a leased item until its lease runs out, then hands it out as attempt 2', async () => {
      const { clock, queue } = setUp();
      await queue.enqueue(reconcile('small'));
      const first = await queue.lease(LEASE_MS);

      const whileHeld = await queue.lease(LEASE_MS);
      clock.advance(LEASE_MS);
      const second = await queue.lease(LEASE_MS);

      expect(first).toMatchObject({ item: reconcile('small'), attempt: 1 });
      expect(whileHeld).toBeUndefined();
      expect(second).toMatchObject({ item: reconcile('small'), attempt: 2 });
      expect(second?.leaseId).not.toBe(first?.leaseId);
    });

    it('ignores an ack under a lease that ran out and was taken by another worker', async () => {
      const { clock, queue } = setUp();
      await queue.enqueue(reconcile('small'));
      const stale = await queue.lease(LEASE_MS);
      clock.advance(LEASE_MS);
      const current = await queue.lease(LEASE_MS);

      await queue.ack(stale?.leaseId ?? 'missing');

      expect(current).toBeDefined();
      expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 1, dead: 0 });
    });

    it('removes an acked item for good', async () => {
      const { clock, queue } = setUp();
      await queue.enqueue(reconcile('small'));
      const work = await queue.lease(LEASE_MS);

      await queue.ack(work?.leaseId ?? 'missing');
      clock.advance(LEASE_MS * 2);

      expect(await queue.lease(LEASE_MS)).toBeUndefined();
      expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 0 });
    });

    it('makes a retried item visible after the delay, counting the attempt', async () => {
      const { clock, queue } = setUp();
      await queue.enqueue(reconcile('small'));
      const work = await queue.lease(LEASE_MS);

      await queue.retry(work?.leaseId ?? 'missing', 5_000, 'github unavailable');
      const early = await queue.lease(LEASE_MS);
      const waiting = await queue.stats();
      clock.advance(5_000);
      const again = await queue.lease(LEASE_MS);

      expect(early).toBeUndefined();
      expect(waiting).toEqual({ ready: 0, delayed: 1, leased: 0, dead: 0 });
      expect(again).toMatchObject({ item: reconcile('small'), attempt: 2 });
    });

    it('counts each retry and each expired lease as one attempt', async () => {
      const { clock, queue } = setUp();
      await queue.enqueue(reconcile('small'));
      const first = await queue.lease(LEASE_MS);
      await queue.retry(first?.leaseId ?? 'missing', 0, 'throttled');
      await queue.lease(LEASE_MS);
      clock.advance(LEASE_MS);

      const third = await queue.lease(LEASE_MS);

      expect(third?.attempt).toBe(3);
    });

    it('coalesces into a retried item, which no worker holds any more', async () => {
      const { queue } = setUp();
      await queue.enqueue(reconcile('small'));
      const work = await queue.lease(LEASE_MS);
      await queue.retry(work?.leaseId ?? 'missing', 60_000, 'throttled');

      await queue.enqueue(reconcile('small'));

      expect(await queue.stats()).toEqual({ ready: 1, delayed: 0, leased: 0, dead: 0 });
      expect(await queue.lease(LEASE_MS)).toMatchObject({ attempt: 2 });
    });
  });

  describe('dead letters', () => {
    it('parks a dead-lettered item: counted, never handed out again', async () => {
      const { clock, queue } = setUp();
      await queue.enqueue(reconcile('small'));
      const work = await queue.lease(LEASE_MS);

      await queue.deadLetter(work?.leaseId ?? 'missing', 'tier no longer configured');
      clock.advance(LEASE_MS * 2);

      expect(await queue.lease(LEASE_MS)).toBeUndefined();
      expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 1 });
    });

    it('does not coalesce new work into a dead item', async () => {
      const { queue } = setUp();
      await queue.enqueue(reconcile('small'));
      const work = await queue.lease(LEASE_MS);
      await queue.deadLetter(work?.leaseId ?? 'missing', 'poison');

      await queue.enqueue(reconcile('small'));

      expect(await queue.stats()).toEqual({ ready: 1, delayed: 0, leased: 0, dead: 1 });
    });
  });

  describe('refusing bad input', () => {
    it.each([
      ['an unknown kind', { kind: 'reboot' }, 'kind', '"reboot"'],
      ['a kind from the prototype', { kind: 'toString' }, 'kind', '"toString"'],
      ['a reconcile without tier', { kind: 'reconcile', installationId: 1 }, 'tier', 'nothing'],
      [
        'a bad installation id',
        { kind: 'tenant_removed', installationId: 0 },
        'installationId',
        '0',
      ],
    ])('refuses %s and queues nothing', async (_case, bad, field, shown) => {
      const { queue } = setUp();

      await expectRefused(queue.enqueue(bad as unknown as WorkItem), 'invalid_input', field, shown);

      expect(await queue.stats()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 0 });
    });
  });
}
