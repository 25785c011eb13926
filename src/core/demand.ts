import type { Ledger } from './ports/ledger.js';

import type { Job } from './job.js';

/**
 * Tiers in which the tenant has jobs waiting for a runner, the one whose job has waited
 * longest first: a freed slot then goes to the oldest demand, so a steady stream of work in
 * one tier cannot starve another.
 */
export async function queuedTiers(ledger: Ledger, installationId: number): Promise<string[]> {
  const jobs = await ledger.listJobs({ installationId, status: 'queued' });
  return oldestFirst(jobs, (job) => job.tier);
}

/** The distinct keys of `jobs`, ordered by each key's oldest job, then by key. */
export function oldestFirst(jobs: readonly Job[], key: (job: Job) => string): string[] {
  const oldest = new Map<string, string>();
  for (const job of jobs) {
    const k = key(job);
    const seen = oldest.get(k);
    if (seen === undefined || job.createdAt < seen) oldest.set(k, job.createdAt);
  }
  return [...oldest.entries()]
    .sort(([ka, a], [kb, b]) => a.localeCompare(b) || ka.localeCompare(kb))
    .map(([k]) => k);
}
