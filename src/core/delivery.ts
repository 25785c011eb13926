/** One webhook delivery as the HTTP layer hands it to the core, after the signature checked. */
export interface WebhookDelivery {
  /** `X-GitHub-Event`. */
  readonly event: string;
  /** `X-GitHub-Delivery`. */
  readonly deliveryId: string;
  /** The parsed JSON body. */
  readonly payload: unknown;
}

export type IntakeStatus = 'accepted' | 'ignored' | 'duplicate';

export interface IntakeOutcome {
  readonly status: IntakeStatus;
  /** Why, in snake_case: `job_event_queued`, `no_matching_tier`, `tenant_deleted`, ... */
  readonly reason: string;
}

/**
 * The core's entry for webhooks. It records installation events, passes job events on to the
 * workers, and queues any other work; it makes no GitHub or compute call, so the HTTP answer
 * comes within GitHub's 10 seconds.
 */
export interface WebhookIntake {
  receive(delivery: WebhookDelivery): Promise<IntakeOutcome>;
}
