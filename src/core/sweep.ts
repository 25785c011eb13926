import type { CoreDeps } from './deps.js';
import { isoTime } from './ports/clock.js';
import type { MachineInfo } from './ports/compute.js';
import type { Runner } from './runner.js';
import type { Tenant } from './tenant.js';
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
  const after = await deps.compute.list();
  const running = new Set(after.map((m) => m.computeId));
  const runningNames = new Set(after.map((m) => m.runnerName));
  let runnersGone = 0;
  for (const runner of active.values()) {
    if (!machineGone(runner, running, runningNames)) continue;
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
 * A runner's machine is gone when the listing lacks its id, or, for one the ledger has no id
 * for, lacks its name while the runner is busy: it took a job, so it had a machine. A pending
 * runner without an id may still be starting; the launch timeout is what ends it.
 */
function machineGone(
  runner: Runner,
  running: ReadonlySet<string>,
  runningNames: ReadonlySet<string>,
): boolean {
  if (runner.computeId !== undefined) return !running.has(runner.computeId);
  return runner.state === 'busy' && !runningNames.has(runner.name);
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

  let requested = 0;
  for (const { installationId, tier } of keys.values()) {
    const tenant = await readTenant(deps, installationId);
    if (tenant === 'unreadable' || (tenant !== undefined && tenant.status !== 'active')) continue;
    await deps.queue.enqueue({ kind: 'reconcile', installationId, tier });
    requested += 1;
  }
  return requested;
}

/** Fresh, not a copy; one tenant's item broken by hand must not stop the sweep of the rest. */
async function readTenant(
  deps: CoreDeps,
  installationId: number,
): Promise<Tenant | undefined | 'unreadable'> {
  try {
    return await deps.tenants.get(installationId, { fresh: true });
  } catch (error) {
    deps.logger.warn('could not read a tenant with queued jobs; it is asked for next sweep', {
      tenant_id: installationId,
      installation_id: installationId,
      err: error,
    });
    return 'unreadable';
  }
}
