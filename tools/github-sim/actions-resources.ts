import {
  adminOf,
  isoSeconds,
  nodeId,
  repositoryResource,
  userResource,
} from './account-resources.js';
import type {
  InstallationRecord,
  JobRecord,
  RunnerGroupRecord,
  RunnerRecord,
} from './sim-state.js';

/** REST shapes of the Actions objects: runners, runner groups, workflow jobs and runs. */

const HTML = 'https://github.com';

/** Labels GitHub itself assigns to self-hosted runners; users cannot remove them. */
const READ_ONLY_LABELS = new Set([
  'self-hosted',
  'linux',
  'windows',
  'macos',
  'x64',
  'arm',
  'arm64',
]);

export function runnerResource(
  runner: RunnerRecord,
  labelId: (name: string) => number,
): Record<string, unknown> {
  return {
    id: runner.id,
    name: runner.name,
    os: runner.os,
    status: runner.status,
    busy: runner.busy,
    ephemeral: true,
    ...(runner.runnerGroupId === undefined ? {} : { runner_group_id: runner.runnerGroupId }),
    labels: runner.labels.map((name) => ({
      id: labelId(name),
      name,
      type: READ_ONLY_LABELS.has(name.toLowerCase()) ? 'read-only' : 'custom',
    })),
  };
}

export function runnerGroupResource(
  api: string,
  org: string,
  group: RunnerGroupRecord,
): Record<string, unknown> {
  const url = `${api}/orgs/${org}/actions/runner-groups/${group.id}`;
  return {
    id: group.id,
    name: group.name,
    visibility: 'all',
    default: group.default,
    runners_url: `${url}/runners`,
    inherited: false,
    allows_public_repositories: false,
    restricted_to_workflows: false,
    selected_workflows: [],
    workflow_restrictions_read_only: false,
  };
}

/** The workflow job, both in REST answers and as `workflow_job` in webhooks. */
export function jobResource(api: string, job: JobRecord): Record<string, unknown> {
  const repo = `${api}/repos/${job.repository}`;
  return {
    id: job.id,
    run_id: job.runId,
    run_url: `${repo}/actions/runs/${job.runId}`,
    run_attempt: 1,
    node_id: nodeId('CheckRun', job.id),
    head_sha: job.headSha,
    head_branch: 'main',
    url: `${repo}/actions/jobs/${job.id}`,
    html_url: `${HTML}/${job.repository}/actions/runs/${job.runId}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion ?? null,
    created_at: isoSeconds(job.createdAt),
    started_at: isoSeconds(job.startedAt ?? job.createdAt),
    completed_at: job.completedAt === undefined ? null : isoSeconds(job.completedAt),
    name: job.name,
    steps: jobSteps(job),
    check_run_url: `${repo}/check-runs/${job.id}`,
    labels: [...job.labels],
    runner_id: job.runnerId ?? null,
    runner_name: job.runnerName ?? null,
    runner_group_id: job.runnerGroupId ?? null,
    runner_group_name: job.runnerGroupName ?? null,
    workflow_name: job.workflowName,
  };
}

function jobSteps(job: JobRecord): Record<string, unknown>[] {
  if (job.startedAt === undefined) return [];

  const done = job.completedAt !== undefined;
  return [
    {
      name: 'Set up job',
      status: done ? 'completed' : 'in_progress',
      conclusion: done ? 'success' : null,
      number: 1,
      started_at: isoSeconds(job.startedAt),
      completed_at: done ? isoSeconds(job.completedAt as number) : null,
    },
  ];
}

/** Each simulated job is the only job of its own workflow run. */
export function runResource(
  api: string,
  job: JobRecord,
  installation: InstallationRecord,
): Record<string, unknown> {
  const repoUrl = `${api}/repos/${job.repository}`;
  const run = `${repoUrl}/actions/runs/${job.runId}`;
  const repoName = job.repository.split('/')[1] ?? '';
  const repository = installation.repositories.find((r) => r.name === repoName) ?? {
    name: repoName,
    id: 0,
  };
  const minimalRepository = repositoryResource(api, installation.account, repository);
  const actor = userResource(api, adminOf(installation.account));
  const updatedAt = job.completedAt ?? job.startedAt ?? job.createdAt;
  return {
    id: job.runId,
    name: job.workflowName,
    node_id: nodeId('WorkflowRun', job.runId),
    check_suite_id: job.runId + 1,
    check_suite_node_id: nodeId('CheckSuite', job.runId + 1),
    head_branch: 'main',
    head_sha: job.headSha,
    path: '.github/workflows/ci.yml',
    display_title: `${job.workflowName} #${job.runId}`,
    run_number: job.runId % 100_000,
    run_attempt: 1,
    referenced_workflows: [],
    event: 'push',
    status: job.status,
    conclusion: job.conclusion ?? null,
    workflow_id: 161_335,
    url: run,
    html_url: `${HTML}/${job.repository}/actions/runs/${job.runId}`,
    pull_requests: [],
    created_at: isoSeconds(job.createdAt),
    updated_at: isoSeconds(updatedAt),
    actor,
    triggering_actor: actor,
    run_started_at: isoSeconds(job.createdAt),
    jobs_url: `${run}/jobs`,
    logs_url: `${run}/logs`,
    check_suite_url: `${repoUrl}/check-suites/${job.runId + 1}`,
    artifacts_url: `${run}/artifacts`,
    cancel_url: `${run}/cancel`,
    rerun_url: `${run}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${repoUrl}/actions/workflows/161335`,
    head_commit: headCommit(job),
    repository: minimalRepository,
    head_repository: minimalRepository,
  };
}

function headCommit(job: JobRecord): Record<string, unknown> {
  const author = { name: 'Simulated Author', email: 'author@example.invalid' };
  return {
    id: job.headSha,
    tree_id: job.headSha.split('').reverse().join(''),
    message: `Change for ${job.name}`,
    timestamp: isoSeconds(job.createdAt),
    author,
    committer: author,
  };
}
