import type { CoreDeps } from './deps.js';
import { isoTime } from './ports/clock.js';
import type { RunnerScope } from './ports/github.js';
import type { Logger } from './ports/telemetry.js';
import type { Runner } from './runner.js';
import { runnerTags } from './runner-tags.js';
import type { Tenant } from './tenant.js';
import type { Tier } from './tier.js';

type LaunchDeps = Pick<
  CoreDeps,
  'ledger' | 'github' | 'handoff' | 'compute' | 'clock' | 'settings' | 'metrics'
>;

/** Where a runner of this tenant registers: the org, or the repository of a User account. */
export function runnerScope(tenant: Tenant, runner: Pick<Runner, 'repository'>): RunnerScope {
  if (runner.repository === undefined) {
    return { installationId: tenant.installationId, owner: tenant.accountLogin, repo: undefined };
  }
  const [owner, repo] = runner.repository.split('/');
  return { installationId: tenant.installationId, owner: owner ?? '', repo };
}

/**
 * Brings a runner that holds a slot to life: register it with a JIT config, hand the config
 * over, start the machine. Any failure undoes what was done (the secret is removed, the
 * registration deleted, the slot released) and is rethrown for the caller to retry.
 *
 * Nothing more is written on success: the machine and the registration carry the runner's
 * name, which is ours, so they are found by it. The sweep copies the machine into the ledger
 * from the provider's listing, and the job's `in_progress` event the registration id; a crash
 * after the machine started leaves nothing that is not found the same way.
 */
export async function launchRunner(
  deps: LaunchDeps,
  tenant: Tenant,
  tier: Tier,
  runner: Runner,
  log: Logger,
): Promise<void> {
  const scope = runnerScope(tenant, runner);
  let githubRunnerId: number | undefined;
  let computeId: string | undefined;

  try {
    const jit = await deps.github.generateJitConfig({
      ...scope,
      runnerName: runner.name,
      labels: tier.labels,
      runnerGroup: tenant.runnerGroup,
      workFolder: deps.settings.workFolder,
    });
    githubRunnerId = jit.githubRunnerId;

    const tags = runnerTags(deps.settings.environment, runner);
    await deps.handoff.put(runner.name, jit.encodedJitConfig, tags);
    const machine = await deps.compute.launch({
      runnerName: runner.name,
      installationId: runner.installationId,
      tier: tier.name,
      tenantTier: runner.tenantTier,
      instanceTypes: tier.instanceTypes,
      spot: tier.spot,
      tags,
    });
    computeId = machine.computeId;

    deps.metrics.increment('ghr_runners_launched_total', { tier: tier.name });
    log.info('runner launched', {
      compute_id: machine.computeId,
      machine: machine.machine,
      github_runner_id: githubRunnerId,
    });
  } catch (error) {
    await undoLaunch(deps, scope, runner, { githubRunnerId, computeId }, log);
    deps.metrics.increment('ghr_runner_launch_failures_total', { tier: tier.name });
    throw error;
  }
}

async function undoLaunch(
  deps: LaunchDeps,
  scope: RunnerScope,
  runner: Runner,
  made: { readonly githubRunnerId: number | undefined; readonly computeId: string | undefined },
  log: Logger,
): Promise<void> {
  const { githubRunnerId, computeId } = made;
  if (computeId !== undefined) {
    try {
      await deps.compute.stop(computeId);
    } catch (error) {
      // The sweep stops machines the ledger does not hold as active.
      log.warn('could not stop the machine of a failed launch', {
        compute_id: computeId,
        err: error,
      });
    }
  }
  await deps.handoff.remove(runner.name);

  if (githubRunnerId !== undefined) {
    try {
      await deps.github.deleteRunner(scope, githubRunnerId);
    } catch (error) {
      // The registration is offline and unused; the cleanup sweep removes it later.
      log.warn('could not delete the registration of a failed launch', { err: error });
    }
  }

  await deps.ledger.updateRunner(runner.name, {
    state: 'done',
    doneReason: 'launch_failed',
    at: isoTime(deps.clock),
  });
}
