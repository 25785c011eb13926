import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };

import { exampleOf } from '../../tools/github-sim/webhook-payloads.js';

export { exampleOf };

type Json = Record<string, unknown>;

/** Every published example of an event, deep-copied. */
export function examplesOf(event: string): Json[] {
  const entry = (examples as { name: string; examples: Json[] }[]).find((e) => e.name === event);
  return (entry?.examples ?? []).map((e) => structuredClone(e));
}

export interface JobPayloadInput {
  readonly action: 'queued' | 'waiting' | 'in_progress' | 'completed';
  readonly installationId: number;
  readonly jobId: number;
  readonly labels: readonly string[];
  /** `owner/name`; the owner's type follows `ownerType`. */
  readonly repository?: string;
  readonly ownerType?: 'Organization' | 'User';
  readonly runId?: number;
  readonly runnerName?: string | null;
  /** GitHub's id of the runner; none unless given, so a test need not know the id it got. */
  readonly runnerId?: number;
}

/** A real `workflow_job` payload with our ids, labels and runner. */
export function workflowJobPayload(input: JobPayloadInput): Json {
  const payload = exampleOf('workflow_job', input.action);
  const [owner = 'octo-org', name = 'app'] = (input.repository ?? 'octo-org/app').split('/');
  const job = payload['workflow_job'] as Json;
  const repo = payload['repository'] as Json;

  job['id'] = input.jobId;
  job['run_id'] = input.runId ?? input.jobId + 1_000_000;
  job['labels'] = [...input.labels];
  job['status'] = input.action;
  job['runner_name'] = input.runnerName ?? null;
  job['runner_id'] = input.runnerId ?? null;
  repo['full_name'] = `${owner}/${name}`;
  repo['name'] = name;
  (repo['owner'] as Json)['login'] = owner;
  (repo['owner'] as Json)['type'] = input.ownerType ?? 'Organization';
  payload['installation'] = { id: input.installationId, node_id: `inst-${input.installationId}` };
  return payload;
}

export interface InstallationPayloadInput {
  readonly action: string;
  readonly installationId: number;
  readonly login: string;
  readonly type?: 'Organization' | 'User';
}

/** A real `installation` payload for our account. */
export function installationPayload(input: InstallationPayloadInput): Json {
  const payload = exampleOf('installation', input.action);
  const installation = payload['installation'] as Json;
  const account = installation['account'] as Json;
  installation['id'] = input.installationId;
  account['login'] = input.login;
  account['type'] = input.type ?? 'Organization';
  return payload;
}
