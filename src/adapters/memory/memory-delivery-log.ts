import type { DeliveryLog } from '../../core/ports/delivery-log.js';

interface DeliveryRecord {
  readonly event: string;
  readonly at: string;
}

/** Delivery ids in a map; `record` checks and inserts in one step, so a race records once. */
export class MemoryDeliveryLog implements DeliveryLog {
  private readonly deliveries = new Map<string, DeliveryRecord>();

  async has(deliveryId: string): Promise<boolean> {
    return this.deliveries.has(deliveryId);
  }

  async record(deliveryId: string, event: string, at: string): Promise<boolean> {
    if (this.deliveries.has(deliveryId)) return false;

    this.deliveries.set(deliveryId, { event, at });
    return true;
  }
}
