import { randomBytes } from 'node:crypto';

import { runnerResource } from './actions-resources.js';
import { orgScope, repoScope, type Scope } from './installation-scope.js';
import { REPO_RUNNER_GROUP } from './job-dispatch.js';
import type { RouteContext, RouteDefinition } from './route-table.js';
import { githubError, invalidRequest, json, notFound, type SimResponse } from './sim-response.js';
import type { RunnerRecord, SimState } from './sim-state.js';

const MAX_LABELS = 100;

/** What the fake runner finds inside `encoded_jit_config`. */
export interface SimJitConfig {
  sim_url: string;
  runner_id: number;
  runner_name: string;
  credential: string;
}

interface JitBody {
  name: string;
  runnerGroupId: number;
  labels: string[];
}

export interface JitRouteDeps {
  state: SimState;
  now: () => number;
  /** The simulator's own URL, which the runner connects back to. */
  url: () => string;
}

/** `generate-jitconfig` for org and repository scopes. */
export function jitRoutes(deps: JitRouteDeps): RouteDefinition[] {
  return [
    {
      method: 'POST',
      template: '/orgs/:org/actions/runners/generate-jitconfig',
      auth: 'installation',
      handle: (context) => generate(deps, context, orgScope(context)),
    },
    {
      method: 'POST',
      template: '/repos/:owner/:repo/actions/runners/generate-jitconfig',
      auth: 'installation',
      handle: (context) => generate(deps, context, repoScope(context)),
    },
  ];
}

function generate(
  deps: JitRouteDeps,
  context: RouteContext,
  scope: Scope | undefined,
): SimResponse {
  if (!scope) return notFound();
  const parsed = parseBody(context.body);
  if (typeof parsed === 'string') return invalidRequest(parsed);

  const { state } = deps;
  if (!groupExists(state, scope, parsed.runnerGroupId)) {
    return githubError(404, `No runner group found with identifier ${parsed.runnerGroupId}.`);
  }
  const taken = state
    .runnersInScope(scope.owner, scope.repo)
    .some((r) => r.name.toLowerCase() === parsed.name.toLowerCase());
  if (taken) {
    return githubError(
      409,
      `Already exists - A runner with the name ${parsed.name} already exists.`,
    );
  }

  const runner = register(deps, scope, parsed);
  const config: SimJitConfig = {
    sim_url: deps.url(),
    runner_id: runner.id,
    runner_name: runner.name,
    credential: runner.credential,
  };
  return json(201, {
    runner: runnerResource(runner, (name) => state.labelId(name)),
    encoded_jit_config: Buffer.from(JSON.stringify(config)).toString('base64'),
  });
}

function register(deps: JitRouteDeps, scope: Scope, body: JitBody): RunnerRecord {
  const runner: RunnerRecord = {
    id: deps.state.nextId('runner'),
    name: body.name,
    installationId: scope.installationId,
    owner: scope.owner,
    ...(scope.repo === undefined ? {} : { repo: scope.repo }),
    // JIT runners carry exactly the labels asked for; GitHub adds none.
    labels: [...body.labels],
    runnerGroupId: body.runnerGroupId,
    status: 'offline',
    busy: false,
    os: osOf(body.labels),
    credential: randomBytes(24).toString('base64url'),
    credentialUsed: false,
    session: undefined,
    createdAt: deps.now(),
  };
  deps.state.runners.set(runner.id, runner);
  return runner;
}

function groupExists(state: SimState, scope: Scope, groupId: number): boolean {
  if (scope.repo !== undefined) {
    // Repository runners live in the group GitHub numbers 1; an org's own groups are accepted too.
    if (groupId === REPO_RUNNER_GROUP.id) return true;
  }
  const org = state.installations.get(scope.installationId)?.account;
  if (org?.type !== 'Organization') return false;
  return state.runnerGroups(org.login).some((g) => g.id === groupId);
}

/** The request body as GitHub's schema demands it, or the problem in GitHub's words. */
function parseBody(body: unknown): JitBody | string {
  if (typeof body !== 'object' || body === null) return 'Body must be a JSON object.';
  const { name, runner_group_id: groupId, labels } = body as Record<string, unknown>;

  if (typeof name !== 'string' || name.trim() === '') return '"name" wasn\'t supplied.';
  if (!Number.isInteger(groupId)) return '"runner_group_id" wasn\'t supplied.';
  if (!Array.isArray(labels)) return '"labels" wasn\'t supplied.';
  if (labels.length < 1 || labels.length > MAX_LABELS) {
    return `"labels" must have between 1 and ${MAX_LABELS} items; got ${labels.length}.`;
  }
  if (!labels.every((l) => typeof l === 'string' && l.trim() !== '')) {
    return `"labels" must hold non-empty strings; got ${JSON.stringify(labels)}.`;
  }

  return { name, runnerGroupId: groupId as number, labels: labels as string[] };
}

function osOf(labels: readonly string[]): string {
  const lower = labels.map((l) => l.toLowerCase());
  if (lower.includes('windows')) return 'windows';
  if (lower.includes('macos')) return 'macos';
  return 'linux';
}
