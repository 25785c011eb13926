import { describe, expect, it } from 'vitest';

import type { DeliveryLog } from '../../src/core/ports/delivery-log.js';
import { minutesIn } from './fixtures.js';

/** Makes an empty delivery log for one test. */
export type DeliveryLogFactory = () => DeliveryLog;

/** What every `DeliveryLog` must do, so a redelivered webhook changes nothing. */
export function deliveryLogContract(createLog: DeliveryLogFactory): void {
  describe('record and has', () => {
    it('records a delivery once, and answers false the second time', async () => {
      const log = createLog();

      const first = await log.record('d-1', 'workflow_job', minutesIn(1));
      const second = await log.record('d-1', 'workflow_job', minutesIn(2));

      expect(first).toBe(true);
      expect(second).toBe(false);
    });

    it('knows only the deliveries it recorded', async () => {
      const log = createLog();
      await log.record('d-1', 'installation', minutesIn(1));

      expect(await log.has('d-1')).toBe(true);
      expect(await log.has('d-2')).toBe(false);
    });

    it('keeps distinct deliveries apart', async () => {
      const log = createLog();

      expect(await log.record('d-1', 'workflow_job', minutesIn(1))).toBe(true);
      expect(await log.record('d-2', 'workflow_job', minutesIn(1))).toBe(true);
      expect(await log.has('d-2')).toBe(true);
    });

    it('lets only one of several racing records win', async () => {
      const log = createLog();

      const answers = await Promise.all(
        Array.from({ length: 10 }, () => log.record('d-race', 'workflow_job', minutesIn(1))),
      );

      expect(answers.filter(Boolean)).toHaveLength(1);
    });
  });
}
