import type { CoreDeps } from './deps.js';
import { isoTime } from './ports/clock.js';
import type { MachineInfo } from './ports/compute.js';
import type { Runner } from './runner.js';
import { ACTIVE_RUNNER_STATES } from './runner.js';
import type { JobCheckMemory } from './stale-jobs.js';
import { refreshStaleJobs } from './stale-jobs.js';
import { endStaleRunners } from './stale-runners.js';

export interface SweepResult {
  readonly reconcilesRequested: number;
  /** Machines of active runners copied into the ledger (a launch records none itself). */
  readonly machinesRecorded: number;
  readonly secretsRemoved: number;
  readonly machinesStopped: number;
  readonly runnersGone: number;
  readonly staleRunnersEnded: number;
  readonly staleJobsRefreshed: number;
}

/**
 * The periodic safety net behind the event flow: asks again for every tier with queued jobs
 * (demand whose reconcile was dropped or failed for good), records the machines of runners
 * launched since, removes JIT configs no runner will take, stops machines the ledger no
 * longer knows, ends runners whose machine vanished, and
 * ends runners that hold a slot without serving (a launch cut short, a boot that never ended),
 * and brings long-queued jobs up to date with GitHub, in case their later webhooks were lost.
 */
export async function sweep(
  deps: CoreDeps,
  jobChecks: JobCheckMemory = new Map(),
): Promise<SweepResult> {
  // Jobs first: one GitHub reports done must not ask for a runner below.
  const staleJobsRefreshed = await refreshStaleJobs(deps, deps.clock.now(), jobChecks);
  const reconcilesRequested = await requestDemand(deps);

  // Read secrets and machines before the runners: anything made after the runner snapshot
  // then cannot be mistaken for a leftover.
  const secrets = await deps.handoff.list();
  const machinesBefore = await deps.compute.list();
  const active = new Map(
    (await deps.ledger.listRunners({ states: ACTIVE_RUNNER_STATES })).map((r) => [r.name, r]),
  );

  const machinesRecorded = await recordMachines(deps, machinesBefore, active);

  let secretsRemoved = 0;
  for (const name of secrets) {
    if (active.has(name)) continue;
    await deps.handoff.remove(name);
    secretsRemoved += 1;
  }

  let machinesStopped = 0;
  for (const machine of machinesBefore) {
    if (active.has(machine.runnerName)) continue;
    await deps.compute.stop(machine.computeId);
    machinesStopped += 1;
  }

  // And the machines again after the snapshot, so a runner launched meanwhile is not "gone".
  const running = new Set((await deps.compute.list()).map((m) => m.computeId));
  let runnersGone = 0;
  for (const runner of active.values()) {
    if (runner.computeId === undefined || running.has(runner.computeId)) continue;
    await deps.queue.enqueue({
      kind: 'runner_finished',
      runnerName: runner.name,
      tier: runner.tier,
      reason: 'machine_gone',
    });
    runnersGone += 1;
  }

  const staleRunnersEnded = await endStaleRunners(deps, deps.clock.now());

  const result = {
    reconcilesRequested,
    machinesRecorded,
    secretsRemoved,
    machinesStopped,
    runnersGone,
    staleRunnersEnded,
    staleJobsRefreshed,
  };
  if (secretsRemoved + machinesStopped + runnersGone + staleRunnersEnded + staleJobsRefreshed > 0) {
    deps.logger.info('sweep repaired state', { ...result });
  }
  return result;
}

/**
 * Copies each listed machine into its runner's record when the record has none yet, found by
 * the runner's name: for the operator's views, billing by machine, and the checks below.
 */
async function recordMachines(
  deps: CoreDeps,
  machines: readonly MachineInfo[],
  active: Map<string, Runner>,
): Promise<number> {
  let recorded = 0;
  for (const machine of machines) {
    const runner = active.get(machine.runnerName);
    if (runner === undefined || runner.computeId !== undefined) continue;
    if (machine.tags['ghr:tenant_id'] !== String(runner.installationId)) continue;

    const updated = await deps.ledger.updateRunner(runner.name, {
      computeId: machine.computeId,
      ...(machine.machine === undefined ? {} : { machine: machine.machine }),
      at: isoTime(deps.clock),
    });
    if (updated !== undefined) active.set(runner.name, updated);
    recorded += 1;
  }
  return recorded;
}

async function requestDemand(deps: CoreDeps): Promise<number> {
  const jobs = await deps.ledger.listJobs({ status: 'queued' });
  const keys = new Map<string, { installationId: number; tier: string }>();
  for (const job of jobs) {
    keys.set(`${job.installationId}:${job.tier}`, {
      installationId: job.installationId,
      tier: job.tier,
    });
  }

  for (const { installationId, tier } of keys.values()) {
    const tenant = await deps.tenants.get(installationId);
    if (tenant !== undefined && tenant.status !== 'active') continue;
    await deps.queue.enqueue({ kind: 'reconcile', installationId, tier });
  }
  return keys.size;
}
