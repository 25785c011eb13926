import type { CoreDeps } from './deps.js';
import { requestReconciles } from './intake.js';
import { runnerScope } from './launch-runner.js';
import { isoTime } from './ports/clock.js';
import type { Runner } from './runner.js';
import { ACTIVE_RUNNER_STATES } from './runner.js';

/**
 * Ends a runner whose job completed or whose machine went away: makes sure the machine is gone
 * and its secret removed, then frees its slot and asks for a reconcile of the tenant, so jobs
 * above the limit are served as capacity frees.
 */
export async function finishRunner(deps: CoreDeps, name: string, reason: string): Promise<void> {
  const runner = await deps.ledger.getRunner(name);
  if (runner === undefined || runner.state === 'done') return;

  const log = deps.logger.child({
    tenant_id: runner.installationId,
    installation_id: runner.installationId,
    runner_name: name,
    job_id: runner.jobId,
  });
  await releaseMachine(deps, runner);

  // GitHub removes a JIT runner once its job completes; one that ends otherwise (no job, or
  // killed mid-job) leaves its registration behind.
  const job = runner.jobId === undefined ? undefined : await deps.ledger.getJob(runner.jobId);
  if (job?.status !== 'completed' && reason !== 'completed') {
    await deleteRegistration(deps, runner, log);
  }

  const done = await deps.ledger.updateRunner(name, {
    state: 'done',
    doneReason: reason,
    at: isoTime(deps.clock),
  });
  // Its job's completion and its process exit may both finish one runner: one of them reports.
  if (done?.doneReason !== reason) return;
  if (runner.jobId !== undefined || reason === 'completed') {
    log.info('runner done; slot freed', { tier: runner.tier, reason });
    await requestReconciles(deps, runner.installationId);
    return;
  }

  // A runner that ends without a job may be a runner command that cannot start: wait before
  // launching the next, so a broken command does not turn into a launch loop.
  log.warn('runner ended without taking a job; slot freed', { tier: runner.tier, reason });
  await requestReconciles(deps, runner.installationId, RELAUNCH_DELAY_MS);
}

/** How long a tenant waits for a new runner after one ended without taking a job. */
export const RELAUNCH_DELAY_MS = 30_000;

/**
 * Stops every runner of a tenant whose installation was deleted. No GitHub call is made: the
 * installation can no longer mint tokens, and its registrations went with it.
 */
export async function removeTenantRunners(deps: CoreDeps, installationId: number): Promise<number> {
  const runners = await deps.ledger.listRunners({ installationId, states: ACTIVE_RUNNER_STATES });

  // By the provider's listing, so machines the ledger has no id for stop as well.
  const machines = await deps.compute.list({ installationId });
  for (const machine of machines) await deps.compute.stop(machine.computeId);
  const stopped = new Set(machines.map((machine) => machine.runnerName));
  for (const runner of runners) {
    if (stopped.has(runner.name)) await deps.handoff.remove(runner.name);
    else await releaseMachine(deps, runner);
    await deps.ledger.updateRunner(runner.name, {
      state: 'done',
      doneReason: 'tenant_deleted',
      at: isoTime(deps.clock),
    });
  }

  deps.logger.info('runners of a deleted tenant stopped', {
    tenant_id: installationId,
    installation_id: installationId,
    stopped: runners.length,
  });
  return runners.length;
}

async function releaseMachine(deps: CoreDeps, runner: Runner): Promise<void> {
  if (runner.computeId !== undefined) await deps.compute.stop(runner.computeId);
  else await deps.compute.stopRunner(runner.name);
  await deps.handoff.remove(runner.name);
}

async function deleteRegistration(
  deps: CoreDeps,
  runner: Runner,
  log: CoreDeps['logger'],
): Promise<void> {
  const tenant = await deps.tenants.get(runner.installationId);
  if (tenant === undefined || tenant.status === 'deleted') return;

  const scope = runnerScope(tenant, runner);
  try {
    // A crash between registration and the ledger write leaves only the name to go by.
    const id =
      runner.githubRunnerId ?? (await deps.github.findRunnerByName(scope, runner.name))?.id;
    if (id !== undefined) await deps.github.deleteRunner(scope, id);
  } catch (error) {
    log.warn('could not delete the registration of an ended runner', { err: error });
  }
}
