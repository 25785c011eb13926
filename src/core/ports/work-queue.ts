import type { JobStatus } from '../job.js';

/**
 * What one `workflow_job` delivery said about a job of ours, as the intake passes it on. The
 * intake writes nothing for it: the worker folds it into the ledger, so the webhook costs one
 * queue write and the job and its runner one ledger step.
 */
export interface JobEventItem {
  readonly kind: 'job_event';
  /** `X-GitHub-Delivery`, for the logs. */
  readonly deliveryId: string;
  readonly installationId: number;
  /** The tier the labels route to; undefined for a job our runner took whose labels match none. */
  readonly tier?: string;
  readonly jobId: number;
  readonly runId: number;
  /** `owner/name`. */
  readonly repository: string;
  readonly labels: readonly string[];
  readonly status: JobStatus;
  readonly runnerName?: string;
  /** GitHub's id of the runner that took the job. */
  readonly runnerId?: number;
  readonly conclusion?: string;
  /** ISO time the delivery arrived. */
  readonly at: string;
}

/** Work the intake hands to workers, so webhooks are answered before any slow call. */
export type WorkItem =
  | JobEventItem
  | { readonly kind: 'reconcile'; readonly installationId: number; readonly tier: string }
  | {
      readonly kind: 'runner_finished';
      readonly runnerName: string;
      /** The runner's tier, so a backend with a queue per tier can route the item. */
      readonly tier: string;
      readonly reason: string;
    }
  | { readonly kind: 'tenant_removed'; readonly installationId: number };

export interface LeasedWork {
  readonly leaseId: string;
  readonly item: WorkItem;
  /** 1 on the first delivery of the item. */
  readonly attempt: number;
}

export interface WorkQueueStats {
  readonly ready: number;
  readonly delayed: number;
  readonly leased: number;
  readonly dead: number;
}

/**
 * A durable queue with leases. An item whose lease runs out becomes visible again, so a
 * crashed worker loses nothing.
 */
export interface WorkQueue {
  /**
   * Adds the item, visible after `delayMs`. Items with the same `workKey` that no worker holds
   * yet are coalesced into one, visible at the earlier of the two times.
   */
  enqueue(item: WorkItem, options?: { readonly delayMs?: number }): Promise<void>;

  /** Leases the oldest visible item for `leaseMs`, or returns undefined when none is ready. */
  lease(leaseMs: number): Promise<LeasedWork | undefined>;

  /** Done with the item: it is removed. */
  ack(leaseId: string): Promise<void>;

  /** Makes the item visible again after `delayMs`, counting the attempt. */
  retry(leaseId: string, delayMs: number, error: string): Promise<void>;

  /** Parks an item that can never succeed (a poison message), with the reason. */
  deadLetter(leaseId: string, error: string): Promise<void>;

  stats(): Promise<WorkQueueStats>;
}

/** Items with equal keys describe the same work and are coalesced. */
export function workKey(item: WorkItem): string {
  switch (item.kind) {
    case 'job_event':
      return `job_event:${item.deliveryId}`;
    case 'reconcile':
      return `reconcile:${item.installationId}:${item.tier}`;
    case 'runner_finished':
      return `runner_finished:${item.runnerName}`;
    case 'tenant_removed':
      return `tenant_removed:${item.installationId}`;
  }
}
