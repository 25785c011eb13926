import { jobResource, runResource } from './actions-resources.js';
import { repoScope, type Scope } from './installation-scope.js';
import { paginate } from './pagination.js';
import type { RouteContext, RouteDefinition } from './route-table.js';
import { json, notFound, type SimResponse } from './sim-response.js';
import type { JobRecord, SimState } from './sim-state.js';

/** Workflow jobs and runs of a repository, which recovery polls read after missed webhooks. */
export function jobRoutes(state: SimState): RouteDefinition[] {
  return [
    {
      method: 'GET',
      template: '/repos/:owner/:repo/actions/jobs/:job_id',
      auth: 'installation',
      handle: (context) => {
        const job = jobsOf(state, repoScope(context)).find(
          (j) => String(j.id) === context.params.job_id,
        );
        if (!job) return notFound();
        return json(200, jobResource(context.api, job));
      },
    },
    {
      method: 'GET',
      template: '/repos/:owner/:repo/actions/runs',
      auth: 'installation',
      handle: (context) => listRuns(state, context),
    },
    {
      method: 'GET',
      template: '/repos/:owner/:repo/actions/runs/:run_id/jobs',
      auth: 'installation',
      handle: (context) => {
        const jobs = jobsOf(state, repoScope(context)).filter(
          (j) => String(j.runId) === context.params.run_id,
        );
        if (jobs.length === 0) return notFound();

        const page = paginate(jobs, context.requestUrl);
        const body = {
          total_count: jobs.length,
          jobs: page.items.map((j) => jobResource(context.api, j)),
        };
        return json(200, body, page.headers);
      },
    },
  ];
}

function listRuns(state: SimState, context: RouteContext): SimResponse {
  const scope = repoScope(context);
  const installation = context.installation;
  if (!scope || !installation) return notFound();

  // `status` filters by status or by conclusion, as GitHub's does.
  const wanted = context.query.get('status');
  const runs = jobsOf(state, scope)
    .filter((j) => wanted === null || j.status === wanted || j.conclusion === wanted)
    .reverse();
  const page = paginate(runs, context.requestUrl);

  return json(
    200,
    {
      total_count: runs.length,
      workflow_runs: page.items.map((j) => runResource(context.api, j, installation)),
    },
    page.headers,
  );
}

function jobsOf(state: SimState, scope: Scope | undefined): JobRecord[] {
  if (!scope || scope.repo === undefined) return [];
  const fullName = `${scope.owner}/${scope.repo}`.toLowerCase();
  return [...state.jobs.values()].filter(
    (j) => j.installationId === scope.installationId && j.repository.toLowerCase() === fullName,
  );
}
