import { PlatformError } from '../../core/errors.js';
import type { GitHubRunner, JitConfig, JitRequest, RunnerScope } from '../../core/ports/github.js';
import type { Logger } from '../../core/ports/telemetry.js';
import { toPlatformError } from './github-errors.js';
import type { GitHubClient } from './installation-clients.js';
import type { RunnerGroupResolver } from './runner-groups.js';
import { scopeName } from './scope-name.js';

/** Calls of generate-jitconfig for one registration, whatever went wrong. */
const MAX_TRIES = 3;

/** Pause before the next call after GitHub failed: 1 s, then 2 s. */
const BASE_BACKOFF_MS = 1_000;

/** On a repository GitHub expects id 1: the repository's own default group. */
const REPOSITORY_RUNNER_GROUP_ID = 1;

export interface JitRegistrationDeps {
  readonly client: GitHubClient;
  readonly groups: RunnerGroupResolver;
  readonly findRunnerByName: (
    scope: RunnerScope,
    name: string,
  ) => Promise<GitHubRunner | undefined>;
  readonly deleteRunner: (scope: RunnerScope, runnerId: number) => Promise<void>;
  /** Runners whose name starts with it are ours to delete. */
  readonly runnerNamePrefix: string;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * Registers one JIT runner at org level, or at repository level when `repo` is set. The call
 * is never repeated blindly: after a 5xx GitHub may have made the runner, so it is looked up
 * by name and, when idle, deleted before the next try; a 409 for an idle runner of ours is
 * cleared the same way, once.
 */
export async function registerJitRunner(
  deps: JitRegistrationDeps,
  request: JitRequest,
): Promise<JitConfig> {
  const log = deps.logger.child({
    installation_id: request.installationId,
    runner_name: request.runnerName,
  });
  const attempted = `registering JIT runner ${request.runnerName} in ${scopeName(request)}`;
  const groupId =
    request.repo === undefined
      ? await deps.groups.resolve(deps.client, request.owner, request.runnerGroup)
      : REPOSITORY_RUNNER_GROUP_ID;

  let conflictCleared = false;
  for (let tries = 1; ; tries++) {
    try {
      const jit = await postJitConfig(deps.client, request, groupId);
      log.info('JIT runner registered', {
        github_runner_id: jit.githubRunnerId,
        runner_group_id: groupId,
        tries,
      });
      return jit;
    } catch (error) {
      const failure = toPlatformError(error, attempted, deps.now);

      if (failure.code === 'conflict' && !conflictCleared && tries < MAX_TRIES) {
        conflictCleared = true;
        await clearNameConflict(deps, request, failure, log);
        continue;
      }
      if (failure.code !== 'unavailable') throw failure;

      await removeHalfMadeRunner(deps, request, log);
      if (tries >= MAX_TRIES) {
        throw new PlatformError(
          'unavailable',
          `${failure.message} (try ${tries} of ${MAX_TRIES})`,
          {
            retryable: true,
            cause: failure,
            details: failure.details,
          },
        );
      }

      const backoffMs = BASE_BACKOFF_MS * 2 ** (tries - 1);
      log.warn('GitHub failed to register the JIT runner; trying again', {
        status: failure.details['status'],
        tries,
        backoff_ms: backoffMs,
      });
      await deps.sleep(backoffMs);
    }
  }
}

async function postJitConfig(
  client: GitHubClient,
  request: JitRequest,
  groupId: number,
): Promise<JitConfig> {
  const body = {
    name: request.runnerName,
    runner_group_id: groupId,
    labels: [...request.labels],
    work_folder: request.workFolder,
  };

  const { data } =
    request.repo === undefined
      ? await client.request('POST /orgs/{org}/actions/runners/generate-jitconfig', {
          org: request.owner,
          ...body,
        })
      : await client.request('POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig', {
          owner: request.owner,
          repo: request.repo,
          ...body,
        });

  return { githubRunnerId: data.runner.id, encodedJitConfig: data.encoded_jit_config };
}

/**
 * GitHub said the name exists. When the runner holding it is ours and idle (typically left by
 * an earlier try of this same registration) it is deleted so the name can be used; anything
 * else is a conflict for the caller.
 */
async function clearNameConflict(
  deps: JitRegistrationDeps,
  request: JitRequest,
  failure: PlatformError,
  log: Logger,
): Promise<void> {
  const holder = await deps.findRunnerByName(request, request.runnerName);
  if (!holder) {
    log.warn('GitHub reported the runner name taken, but no runner has it now; trying again');
    return;
  }

  if (!holder.name.startsWith(deps.runnerNamePrefix)) {
    throw new PlatformError(
      'conflict',
      `${failure.message}; runner ${holder.id} holds the name and is not ours (prefix '${deps.runnerNamePrefix}'), so it is left alone`,
      { cause: failure, details: { ...failure.details, github_runner_id: holder.id } },
    );
  }
  if (holder.busy) {
    throw new PlatformError(
      'conflict',
      `${failure.message}; runner ${holder.id} holds the name and is running a job, so it is left alone`,
      { cause: failure, details: { ...failure.details, github_runner_id: holder.id } },
    );
  }

  await deps.deleteRunner(request, holder.id);
  log.warn('deleted an idle runner of ours that held the name; trying again', {
    github_runner_id: holder.id,
    runner_status: holder.status,
  });
}

/**
 * After a 5xx GitHub may have registered the runner anyway. An idle one of that name is
 * deleted, so the next try does not meet a 409 and no registration outlives a failed launch.
 * A failed look-up is logged and not fatal: the next try, or the reconciler, settles it.
 */
async function removeHalfMadeRunner(
  deps: JitRegistrationDeps,
  request: JitRequest,
  log: Logger,
): Promise<void> {
  try {
    const made = await deps.findRunnerByName(request, request.runnerName);
    if (!made || made.busy || !made.name.startsWith(deps.runnerNamePrefix)) return;

    await deps.deleteRunner(request, made.id);
    log.warn('deleted the runner GitHub made before it failed', { github_runner_id: made.id });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.warn('could not check for a runner GitHub made before it failed', { reason });
  }
}
