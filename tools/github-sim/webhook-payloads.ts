import { createRequire } from 'node:module';

import type { WebhookDefinition } from '@octokit/webhooks-examples';

import {
  adminOf,
  installationResource,
  nodeId,
  organizationResource,
  repositoryResource,
  userResource,
} from './account-resources.js';
import { jobResource } from './actions-resources.js';
import type { InstallationRecord, JobRecord } from './sim-state.js';

/**
 * Webhook payloads built on GitHub's recorded examples: the first example of the event and
 * action is the template, so every field GitHub sends is present, and the simulator's own
 * objects are laid over it.
 */

type Payload = Record<string, unknown>;

const load = createRequire(import.meta.url);
let definitions: WebhookDefinition[] | undefined;

/** A deep copy of the first recorded example of `event` with this `action`. */
export function exampleOf(event: string, action: string): Payload {
  definitions ??= load('@octokit/webhooks-examples') as WebhookDefinition[];
  const examples = (definitions.find((d) => d.name === event)?.examples ?? []) as Payload[];
  const example = examples.find((e) => e.action === action);
  if (!example) throw new Error(`building a '${event}' payload: no example for action '${action}'`);
  return structuredClone(example);
}

export function installationPayload(
  action: string,
  installation: InstallationRecord,
  api: string,
  appId: number,
): Payload {
  const template = exampleOf('installation', action);
  const payload: Payload = {
    ...template,
    action,
    installation: {
      ...asObject(template.installation),
      ...installationResource(api, appId, installation),
    },
    sender: senderFor(template, installation, api),
  };

  if ('repositories' in template) {
    payload.repositories = installation.repositories.map((repo) => ({
      id: repo.id,
      node_id: nodeId('Repository', repo.id),
      name: repo.name,
      full_name: `${installation.account.login}/${repo.name}`,
      private: true,
    }));
  }
  if ('requester' in template) payload.requester = null;
  return payload;
}

export function workflowJobPayload(
  job: JobRecord,
  installation: InstallationRecord,
  api: string,
): Payload {
  const template = exampleOf('workflow_job', job.status);
  const { account } = installation;
  const repoName = job.repository.split('/')[1];
  const repository = installation.repositories.find((r) => r.name === repoName);
  if (!repository) {
    throw new Error(
      `building workflow_job for job ${job.id}: repository '${job.repository}' is unknown`,
    );
  }

  const payload: Payload = {
    ...template,
    action: job.status,
    workflow_job: { ...asObject(template.workflow_job), ...jobResource(api, job) },
    repository: {
      ...asObject(template.repository),
      ...repositoryResource(api, account, repository),
    },
    sender: senderFor(template, installation, api),
    installation: {
      id: installation.id,
      node_id: nodeId('IntegrationInstallation', installation.id),
    },
  };

  if (account.type === 'Organization') {
    payload.organization = {
      ...asObject(template.organization),
      ...organizationResource(api, account),
    };
  } else {
    // GitHub sends no organization for repositories of a personal account.
    delete payload.organization;
  }
  return payload;
}

function senderFor(template: Payload, installation: InstallationRecord, api: string): Payload {
  return { ...asObject(template.sender), ...userResource(api, adminOf(installation.account)) };
}

function asObject(value: unknown): Payload {
  return typeof value === 'object' && value !== null ? (value as Payload) : {};
}
