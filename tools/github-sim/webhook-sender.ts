import { createHmac, randomUUID } from 'node:crypto';

import type { WebhookResult } from './simulator-types.js';

/** GitHub gives up on a delivery after 10 seconds. */
const DELIVERY_TIMEOUT_MS = 10_000;

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** Delivers events the way GitHub's hookshot does: one signed POST per delivery. */
export class WebhookSender {
  private readonly hookId = 400_000_000 + Math.floor(Math.random() * 1_000_000);

  constructor(
    private readonly target: WebhookTarget | undefined,
    private readonly appId: number,
  ) {}

  get configured(): boolean {
    return this.target !== undefined;
  }

  async send(
    event: string,
    payload: unknown,
    deliveryId: string = randomUUID(),
  ): Promise<WebhookResult> {
    if (!this.target) {
      throw new Error(
        `sending the '${event}' webhook: the simulator was started without 'webhook'`,
      );
    }

    const body = Buffer.from(JSON.stringify(payload));
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/sim',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': String(this.hookId),
      'x-github-hook-installation-target-type': 'integration',
      'x-github-hook-installation-target-id': String(this.appId),
      'x-hub-signature': `sha1=${hmac('sha1', this.target.secret, body)}`,
      'x-hub-signature-256': `sha256=${hmac('sha256', this.target.secret, body)}`,
    };

    try {
      const response = await fetch(this.target.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      return { deliveryId, status: response.status, body: await response.text() };
    } catch (error) {
      return {
        deliveryId,
        status: 0,
        body: error instanceof Error ? error.message : String(error),
      };
    }
  }
}

function hmac(algorithm: 'sha1' | 'sha256', secret: string, body: Buffer): string {
  return createHmac(algorithm, secret).update(body).digest('hex');
}
