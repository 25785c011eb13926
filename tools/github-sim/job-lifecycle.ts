import { randomBytes } from 'node:crypto';

import type { JobDispatcher } from './job-dispatch.js';
import type { InstallationRecord, JobRecord, SimState } from './sim-state.js';
import type { QueueJobRequest, WebhookResult } from './simulator-types.js';
import { workflowJobPayload } from './webhook-payloads.js';
import type { WebhookSender } from './webhook-sender.js';

const DEFAULT_DURATION_MS = 100;

/**
 * A workflow job's life: queued, taken by a runner, completed. Each step changes the state
 * first and then tells the control plane through its webhook, awaiting the delivery.
 */
export class JobLifecycle {
  constructor(
    private readonly state: SimState,
    private readonly dispatcher: JobDispatcher,
    private readonly webhooks: WebhookSender,
    private readonly now: () => number,
    private readonly api: () => string,
  ) {}

  async queue(request: QueueJobRequest): Promise<{ job: JobRecord; webhook?: WebhookResult }> {
    const installation = this.state.installations.get(request.installationId);
    if (!installation) {
      throw new Error(`queueing a job: installation ${request.installationId} is not known`);
    }
    const repository = qualify(installation, request.repository);

    const job = this.createJob(installation, repository, request);
    this.state.jobs.set(job.id, job);

    const webhook = request.send === false ? undefined : await this.notify(job);
    job.announced = true;
    this.dispatcher.offer();

    return { job, ...(webhook ? { webhook } : {}) };
  }

  /** Called once the dispatcher gave the job to a runner. */
  async started(job: JobRecord): Promise<void> {
    await this.notify(job);
  }

  /** The runner finished: the job completes and the ephemeral registration is removed. */
  async complete(job: JobRecord, conclusion: string): Promise<void> {
    job.status = 'completed';
    job.conclusion = conclusion;
    job.completedAt = this.now();
    if (job.runnerId !== undefined) this.state.runners.delete(job.runnerId);

    await this.notify(job);
  }

  private async notify(job: JobRecord): Promise<WebhookResult | undefined> {
    if (!this.webhooks.configured) return undefined;
    const installation = this.state.installations.get(job.installationId);
    if (!installation) return undefined;

    return this.webhooks.send('workflow_job', workflowJobPayload(job, installation, this.api()));
  }

  private createJob(
    installation: InstallationRecord,
    repository: string,
    request: QueueJobRequest,
  ): JobRecord {
    const id = this.state.nextId('job');
    return {
      id,
      runId: this.state.nextId('run'),
      installationId: installation.id,
      repository,
      labels: [...request.labels],
      status: 'queued',
      durationMs: request.durationMs ?? DEFAULT_DURATION_MS,
      name: `build-${id}`,
      workflowName: 'CI',
      headSha: randomBytes(20).toString('hex'),
      createdAt: this.now(),
      startedAt: undefined,
      completedAt: undefined,
      runnerGroupId: undefined,
      runnerGroupName: undefined,
      announced: false,
    };
  }
}

/** 'owner/name' for one of the installation's repositories, given either form. */
function qualify(installation: InstallationRecord, repository: string): string {
  const [first, second] = repository.split('/');
  const owner = second === undefined ? installation.account.login : (first as string);
  const name = second ?? (first as string);

  const known = installation.repositories.find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (owner.toLowerCase() !== installation.account.login.toLowerCase() || !known) {
    throw new Error(
      `queueing a job: '${repository}' is not a repository of installation ${installation.id}` +
        ` (${installation.account.login}: ${installation.repositories.map((r) => r.name).join(', ')})`,
    );
  }
  return `${installation.account.login}/${known.name}`;
}
