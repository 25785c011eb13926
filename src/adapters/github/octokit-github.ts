import type { GitHubApi, GitHubRunner, RunnerScope } from '../../core/ports/github.js';
import { collectPages, PER_PAGE } from './collect-pages.js';
import { checkGitHubApiOptions, type GitHubApiOptions } from './github-api-options.js';
import { toPlatformError } from './github-errors.js';
import { createInstallationClients, type GitHubClient } from './installation-clients.js';
import { registerJitRunner } from './jit-registration.js';
import { readInstallation } from './read-installation.js';
import { readJob } from './read-job.js';
import { createRunnerGroupResolver } from './runner-groups.js';
import { scopeName } from './scope-name.js';

export type { GitHubApiOptions } from './github-api-options.js';

/**
 * The GitHubApi port on Octokit: @octokit/auth-app for the App JWT and the installation tokens,
 * @octokit/plugin-throttling per installation, and no retry plugin: the only retries are the
 * throttling plugin's after a rate limit and the JIT registration's own, which look before
 * they try again.
 */
export function createGitHubApi(options: GitHubApiOptions): GitHubApi {
  const { baseUrl, privateKeyPem } = checkGitHubApiOptions(options);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const clients = createInstallationClients({
    credentials: { appId: options.appId, privateKeyPem },
    baseUrl,
    logger: options.logger,
    now,
    sleep,
  });
  const groups = createRunnerGroupResolver(now);

  const listRunners = async (scope: RunnerScope, name?: string): Promise<GitHubRunner[]> => {
    const client = clients.forInstallation(scope.installationId);
    try {
      return await collectPages((page) => runnerPage(client, scope, page, name));
    } catch (error) {
      throw toPlatformError(error, `listing runners of ${scopeName(scope)}`, now);
    }
  };

  const findRunnerByName = async (scope: RunnerScope, name: string) => {
    const wanted = name.toLowerCase();
    const runners = await listRunners(scope, name);
    return runners.find((runner) => runner.name.toLowerCase() === wanted);
  };

  const deleteRunner = async (scope: RunnerScope, runnerId: number): Promise<void> => {
    const client = clients.forInstallation(scope.installationId);
    try {
      await deleteRunnerCall(client, scope, runnerId);
    } catch (error) {
      const failure = toPlatformError(
        error,
        `deleting runner ${runnerId} of ${scopeName(scope)}`,
        now,
      );
      if (failure.code === 'not_found') return;
      throw failure;
    }
  };

  return {
    getInstallation: (installationId) => readInstallation(clients.app, installationId, now),

    generateJitConfig: (request) =>
      registerJitRunner(
        {
          client: clients.forInstallation(request.installationId),
          groups,
          findRunnerByName,
          deleteRunner,
          runnerNamePrefix: options.runnerNamePrefix,
          sleep,
          now,
          logger: options.logger,
        },
        request,
      ),

    findRunnerByName,
    deleteRunner,
    listRunners: (scope) => listRunners(scope),

    getJob: (installationId, repository, jobId) =>
      readJob(clients.forInstallation(installationId), repository, jobId, now),
  };
}

async function runnerPage(
  client: GitHubClient,
  scope: RunnerScope,
  page: number,
  name: string | undefined,
) {
  const query = { per_page: PER_PAGE, page, ...(name === undefined ? {} : { name }) };
  const { data } =
    scope.repo === undefined
      ? await client.request('GET /orgs/{org}/actions/runners', { org: scope.owner, ...query })
      : await client.request('GET /repos/{owner}/{repo}/actions/runners', {
          owner: scope.owner,
          repo: scope.repo,
          ...query,
        });

  return {
    totalCount: data.total_count,
    items: data.runners.map((runner): GitHubRunner => ({
      id: runner.id,
      name: runner.name,
      status: runner.status === 'online' ? 'online' : 'offline',
      busy: runner.busy,
      labels: runner.labels.map((label) => label.name),
    })),
  };
}

async function deleteRunnerCall(client: GitHubClient, scope: RunnerScope, runnerId: number) {
  if (scope.repo === undefined) {
    await client.request('DELETE /orgs/{org}/actions/runners/{runner_id}', {
      org: scope.owner,
      runner_id: runnerId,
    });
    return;
  }

  await client.request('DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}', {
    owner: scope.owner,
    repo: scope.repo,
    runner_id: runnerId,
  });
}

function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
