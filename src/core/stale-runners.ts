import type { CoreDeps } from './deps.js';
import { runnerScope } from './launch-runner.js';
import type { GitHubRunner } from './ports/github.js';
import type { Runner } from './runner.js';
import type { Tenant } from './tenant.js';
import { PENDING_RUNNER_STATES } from './runner.js';

/** A launch (JIT, hand-off, machine start) takes seconds; one this old was cut short. */
export const DEFAULT_LAUNCH_TIMEOUT_MS = 5 * 60_000;

/** A runner that has not taken a job this long after launch is not going to. */
export const DEFAULT_BOOT_TIMEOUT_MS = 10 * 60_000;

/**
 * Ends runners that hold a slot without serving: launches that a crash cut short (no machine
 * recorded), and runners that never took a job within the boot timeout. Before ending one
 * that has a machine, GitHub's own view is asked: a runner GitHub calls busy took a job
 * whose webhook we missed, and is never stopped; when GitHub cannot be asked, nothing of that
 * tenant is stopped this cycle. Returns how many runners it asked to end.
 */
export async function endStaleRunners(deps: CoreDeps, now: number): Promise<number> {
  const launchTimeout = deps.settings.launchTimeoutMs ?? DEFAULT_LAUNCH_TIMEOUT_MS;
  const bootTimeout = deps.settings.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS;
  const pending = await deps.ledger.listRunners({ states: PENDING_RUNNER_STATES });
  const age = (runner: Runner) => now - Date.parse(runner.launchedAt);

  const stale = pending.filter((runner) =>
    runner.computeId === undefined ? age(runner) > launchTimeout : age(runner) > bootTimeout,
  );
  let ended = 0;
  for (const [installationId, runners] of groupByTenant(stale)) {
    ended += await endTenantRunners(deps, installationId, runners, new Date(now).toISOString());
  }
  return ended;
}

async function endTenantRunners(
  deps: CoreDeps,
  installationId: number,
  runners: readonly Runner[],
  at: string,
): Promise<number> {
  const tenant = await deps.tenants.get(installationId);
  const log = deps.logger.child({ tenant_id: installationId, installation_id: installationId });
  let registered: Map<string, GitHubRunner> | undefined;

  if (tenant !== undefined && tenant.status !== 'deleted') {
    try {
      registered = await registeredRunners(deps, tenant, runners);
    } catch (error) {
      log.warn('could not list runners on GitHub; stale runners kept this cycle', { err: error });
      return 0;
    }
  }

  let ended = 0;
  for (const runner of runners) {
    if (registered?.get(runner.name.toLowerCase())?.busy) {
      await deps.ledger.updateRunner(runner.name, { state: 'busy', at });
      log.info('runner is busy on GitHub; its job event was missed', { runner_name: runner.name });
      continue;
    }
    const reason = runner.computeId === undefined ? 'launch_abandoned' : 'boot_timeout';
    log.info('ending a runner that never took a job', { runner_name: runner.name, reason });
    await deps.queue.enqueue({
      kind: 'runner_finished',
      runnerName: runner.name,
      tier: runner.tier,
      reason,
    });
    ended += 1;
  }
  return ended;
}

async function registeredRunners(
  deps: CoreDeps,
  tenant: Tenant,
  runners: readonly Runner[],
): Promise<Map<string, GitHubRunner>> {
  const scopes = new Map<string, Runner>();
  for (const runner of runners) scopes.set(runner.repository ?? '', runner);

  const found = new Map<string, GitHubRunner>();
  for (const runner of scopes.values()) {
    for (const registered of await deps.github.listRunners(runnerScope(tenant, runner))) {
      found.set(registered.name.toLowerCase(), registered);
    }
  }
  return found;
}

function groupByTenant(runners: readonly Runner[]): Map<number, Runner[]> {
  const groups = new Map<number, Runner[]>();
  for (const runner of runners) {
    const group = groups.get(runner.installationId) ?? [];
    group.push(runner);
    groups.set(runner.installationId, group);
  }
  return groups;
}
