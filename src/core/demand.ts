import type { Ledger } from './ports/ledger.js';

/** Tiers in which the tenant has jobs waiting for a runner, in name order. */
export async function queuedTiers(ledger: Ledger, installationId: number): Promise<string[]> {
  const jobs = await ledger.listJobs({ installationId, status: 'queued' });
  return [...new Set(jobs.map((job) => job.tier))].sort();
}
