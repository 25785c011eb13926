import { runnerGroupResource, runnerResource } from './actions-resources.js';
import { orgScope, repoScope, type Scope } from './installation-scope.js';
import { paginate } from './pagination.js';
import type { RouteContext, RouteDefinition } from './route-table.js';
import { githubError, json, notFound, type SimResponse } from './sim-response.js';
import type { RunnerRecord, SimState } from './sim-state.js';

type ScopeOf = (context: RouteContext) => Scope | undefined;

/** Runner groups, and listing, reading and deleting runner registrations. */
export function runnerRoutes(
  state: SimState,
  onRemoved: (runnerId: number) => void,
): RouteDefinition[] {
  const scoped = (base: string, scopeOf: ScopeOf): RouteDefinition[] => [
    {
      method: 'GET',
      template: `${base}/actions/runners`,
      auth: 'installation',
      handle: (context) => list(state, context, scopeOf(context)),
    },
    {
      method: 'GET',
      template: `${base}/actions/runners/:runner_id`,
      auth: 'installation',
      handle: (context) => {
        const runner = find(state, context, scopeOf(context));
        if (!runner) return notFound();
        return json(
          200,
          runnerResource(runner, (name) => state.labelId(name)),
        );
      },
    },
    {
      method: 'DELETE',
      template: `${base}/actions/runners/:runner_id`,
      auth: 'installation',
      handle: (context) => remove(state, find(state, context, scopeOf(context)), onRemoved),
    },
  ];

  return [
    {
      method: 'GET',
      template: '/orgs/:org/actions/runner-groups',
      auth: 'installation',
      handle: (context) => listGroups(state, context),
    },
    ...scoped('/orgs/:org', orgScope),
    ...scoped('/repos/:owner/:repo', repoScope),
  ];
}

function listGroups(state: SimState, context: RouteContext): SimResponse {
  const scope = orgScope(context);
  if (!scope) return notFound();

  const all = state.runnerGroups(scope.owner);
  const page = paginate(all, context.requestUrl);
  return json(
    200,
    {
      total_count: all.length,
      runner_groups: page.items.map((g) => runnerGroupResource(context.api, scope.owner, g)),
    },
    page.headers,
  );
}

function list(state: SimState, context: RouteContext, scope: Scope | undefined): SimResponse {
  if (!scope) return notFound();

  const name = context.query.get('name')?.toLowerCase();
  const all = state
    .runnersInScope(scope.owner, scope.repo)
    .filter((r) => name === undefined || r.name.toLowerCase() === name)
    .sort((a, b) => a.id - b.id);
  const page = paginate(all, context.requestUrl);

  return json(
    200,
    {
      total_count: all.length,
      runners: page.items.map((r) => runnerResource(r, (label) => state.labelId(label))),
    },
    page.headers,
  );
}

function find(
  state: SimState,
  context: RouteContext,
  scope: Scope | undefined,
): RunnerRecord | undefined {
  const id = context.params.runner_id ?? '';
  if (!scope || !/^\d+$/.test(id)) return undefined;

  const runner = state.runners.get(Number(id));
  if (!runner || runner.installationId !== scope.installationId) return undefined;
  const sameScope =
    runner.owner.toLowerCase() === scope.owner.toLowerCase() &&
    runner.repo?.toLowerCase() === scope.repo?.toLowerCase();
  return sameScope ? runner : undefined;
}

function remove(
  state: SimState,
  runner: RunnerRecord | undefined,
  onRemoved: (runnerId: number) => void,
): SimResponse {
  if (!runner) return notFound();
  if (runner.busy) {
    return githubError(422, `Bad request - Runner "${runner.name}" is still running a job`);
  }

  state.runners.delete(runner.id);
  onRemoved(runner.id);
  return { status: 204 };
}
