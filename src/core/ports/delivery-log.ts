/** Webhook deliveries already handled, so a redelivery (`X-GitHub-Delivery`) is a no-op. */
export interface DeliveryLog {
  has(deliveryId: string): Promise<boolean>;

  /** Records the delivery; returns false when it was already recorded. */
  record(deliveryId: string, event: string, at: string): Promise<boolean>;
}
