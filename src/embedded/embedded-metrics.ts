import type { PrometheusRegistry } from '../adapters/telemetry/prometheus.js';
import type { CoreDeps } from '../core/deps.js';
import type { WorkQueueStats } from '../core/ports/work-queue.js';
import { ACTIVE_RUNNER_STATES } from '../core/runner.js';

export function describeMetrics(metrics: PrometheusRegistry): void {
  metrics.describe('ghr_runners_launched_total', 'Runners launched, by tier.', 'counter');
  metrics.describe(
    'ghr_runner_launch_failures_total',
    'Launches undone after a failure.',
    'counter',
  );
  metrics.describe('ghr_limit_reached_total', 'Reconciles stopped by a limit.', 'counter');
  metrics.describe('ghr_work_items_total', 'Work items by kind and outcome.', 'counter');
  metrics.describe('ghr_active_runners', 'Runners holding a slot, by tenant and tier.', 'gauge');
  metrics.describe('ghr_work_queue_items', 'Work items by state.', 'gauge');
}

/**
 * Returns a refresher for the gauges that are read from the ledger rather than counted as
 * they happen. It remembers what it reported, so a tenant tier whose last runner ended reads
 * 0 rather than its last count.
 */
export function ledgerGauges(
  deps: Pick<CoreDeps, 'ledger'>,
  metrics: PrometheusRegistry,
): (stats: WorkQueueStats) => Promise<void> {
  const reported = new Set<string>();

  return async function refreshLedgerGauges(stats) {
    const active = await deps.ledger.listRunners({ states: ACTIVE_RUNNER_STATES });
    const counts = new Map<string, number>();
    for (const runner of active) {
      const key = `${runner.installationId}\u0000${runner.tier}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const key of reported) if (!counts.has(key)) counts.set(key, 0);

    for (const [key, value] of counts) {
      const [tenant = '', tier = ''] = key.split('\u0000');
      metrics.setGauge('ghr_active_runners', { tenant_id: tenant, tier }, value);
      reported.add(key);
    }
    for (const [state, value] of Object.entries(stats)) {
      metrics.setGauge('ghr_work_queue_items', { state }, value);
    }
  };
}
