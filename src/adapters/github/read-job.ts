import { PlatformError } from '../../core/errors.js';
import type { GitHubJob } from '../../core/ports/github.js';
import { toPlatformError } from './github-errors.js';
import type { GitHubClient } from './installation-clients.js';

const STATUSES: readonly GitHubJob['status'][] = ['waiting', 'queued', 'in_progress', 'completed'];

/** `GET /repos/{owner}/{repo}/actions/jobs/{job_id}`; a job GitHub no longer has is undefined. */
export async function readJob(
  client: GitHubClient,
  repository: string,
  jobId: number,
  now: () => number,
): Promise<GitHubJob | undefined> {
  const [owner = '', repo = ''] = repository.split('/');
  const attempted = `reading job ${jobId} of ${repository}`;

  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}', {
      owner,
      repo,
      job_id: jobId,
    });
    // GitHub reports a job held for approval or a concurrency group as `pending` or `waiting`.
    const status = STATUSES.find((s) => s === data.status) ?? 'waiting';
    return {
      id: Number(data.id),
      status,
      runnerName: data.runner_name ?? undefined,
      conclusion: data.conclusion ?? undefined,
    };
  } catch (error) {
    const failure = toPlatformError(error, attempted, now);
    if (failure instanceof PlatformError && failure.code === 'not_found') return undefined;
    throw failure;
  }
}
