import type { Job } from './job.js';
import type { Runner } from './runner.js';

export interface TierUsage {
  readonly runners: number;
  /** From launch to done: what the operator pays for, boot and idle included. */
  readonly runnerSeconds: number;
}

export interface TenantUsage {
  readonly installationId: number;
  readonly jobsCompleted: number;
  /** Most runners the tenant held at one moment. */
  readonly peakRunners: number;
  readonly byTier: Readonly<Record<string, TierUsage>>;
}

/**
 * Sums the ledger per tenant. A runner still active is counted up to `now` (ISO). Peak
 * concurrency is found by sweeping over launch and done times; a runner that is done at the
 * very moment another launches does not overlap it.
 */
export function summariseUsage(
  runners: readonly Runner[],
  jobs: readonly Job[],
  now: string,
): TenantUsage[] {
  const tenants = new Set([
    ...runners.map((r) => r.installationId),
    ...jobs.map((j) => j.installationId),
  ]);

  return [...tenants]
    .sort((a, b) => a - b)
    .map((installationId) => {
      const own = runners.filter((r) => r.installationId === installationId);
      return {
        installationId,
        jobsCompleted: jobs.filter(
          (j) => j.installationId === installationId && j.status === 'completed',
        ).length,
        peakRunners: peakOverlap(own, now),
        byTier: tierUsage(own, now),
      };
    });
}

function tierUsage(runners: readonly Runner[], now: string): Record<string, TierUsage> {
  const usage: Record<string, { runners: number; runnerSeconds: number }> = {};
  for (const runner of runners) {
    const entry = (usage[runner.tier] ??= { runners: 0, runnerSeconds: 0 });
    entry.runners += 1;
    entry.runnerSeconds += seconds(runner.launchedAt, runner.doneAt ?? now);
  }
  return usage;
}

function peakOverlap(runners: readonly Runner[], now: string): number {
  const edges = runners.flatMap((r) => [
    { at: Date.parse(r.launchedAt), delta: 1 },
    { at: Date.parse(r.doneAt ?? now), delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);

  let current = 0;
  let peak = 0;
  for (const edge of edges) {
    current += edge.delta;
    peak = Math.max(peak, current);
  }
  return peak;
}

function seconds(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}
