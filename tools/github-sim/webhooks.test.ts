import { afterEach, describe, expect, it } from 'vitest';

import {
  ORG_INSTALLATION,
  USER_INSTALLATION,
  api,
  appJwt,
  startTestSimulator,
  startWebhookReceiver,
  tokenFor,
  type ReceivedDelivery,
  type WebhookReceiver,
} from './sim-test-kit.js';
import type { GitHubSimulator } from './simulator-types.js';
import { exampleOf } from './webhook-payloads.js';

let sim: GitHubSimulator | undefined;
let receiver: WebhookReceiver | undefined;

afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

async function setup(secret?: string) {
  receiver = await startWebhookReceiver();
  sim = await startTestSimulator({
    webhook: { url: receiver.url, secret: secret ?? receiver.secret },
  });
  return { sim, receiver };
}

/**
 * Key paths of `template` (two levels deep) that `sent` lacks. The keys inside `permissions`
 * are data, the permissions one App was granted, not part of the payload's shape.
 */
function missingKeys(template: unknown, sent: unknown, path = '', depth = 2): string[] {
  if (!isObject(template)) return [];
  if (!isObject(sent)) return [path || '(root)'];

  return Object.entries(template).flatMap(([key, value]) => {
    const at = path ? `${path}.${key}` : key;
    if (!(key in sent)) return [at];
    if (key === 'permissions' || depth === 0) return [];
    return missingKeys(value, sent[key], at, depth - 1);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectHookshotHeaders(delivery: ReceivedDelivery, event: string): void {
  expect(delivery.signatureValid).toBe(true);
  expect(delivery.headers).toMatchObject({
    'x-github-event': event,
    'x-github-delivery': expect.stringMatching(/^[0-9a-f-]{36}$/),
    'x-github-hook-id': expect.stringMatching(/^\d+$/),
    'x-github-hook-installation-target-type': 'integration',
    'user-agent': expect.stringMatching(/^GitHub-Hookshot\//),
    'content-type': 'application/json',
  });
}

describe('installation events', () => {
  it.each(['created', 'new_permissions_accepted', 'suspend', 'unsuspend', 'deleted'])(
    'sends installation.%s signed, with every field of GitHub’s example',
    async (action) => {
      const { sim, receiver } = await setup();

      const result = await sim.sendInstallationEvent(action, ORG_INSTALLATION.id);

      expect(result).toMatchObject({ status: 202, body: 'accepted' });
      const [delivery] = receiver.deliveries;
      expect(delivery).toBeDefined();
      expectHookshotHeaders(delivery as ReceivedDelivery, 'installation');
      expect(delivery?.headers['x-github-delivery']).toBe(result.deliveryId);
      expect(delivery?.payload).toMatchObject({
        action,
        installation: { id: ORG_INSTALLATION.id, account: { login: 'acme', type: 'Organization' } },
      });
      expect(missingKeys(exampleOf('installation', action), delivery?.payload)).toEqual([]);
    },
  );

  it('suspends and unsuspends the installation before announcing it', async () => {
    const { sim, receiver } = await setup();
    const auth = await tokenFor(sim, ORG_INSTALLATION.id);

    await sim.sendInstallationEvent('suspend', ORG_INSTALLATION.id);
    const whileSuspended = await api(sim, 'GET /orgs/acme/actions/runners', { auth });
    const info = await api(sim, `GET /app/installations/${ORG_INSTALLATION.id}`, {
      auth: `Bearer ${appJwt()}`,
    });
    await sim.sendInstallationEvent('unsuspend', ORG_INSTALLATION.id);
    const afterwards = await api(sim, 'GET /orgs/acme/actions/runners', { auth });

    expect(whileSuspended.status).toBe(403);
    expect(info.body).toMatchObject({ suspended_at: expect.any(String) });
    expect(receiver.deliveries[0]?.payload).toMatchObject({
      installation: { suspended_at: expect.any(String) },
    });
    expect(receiver.deliveries[1]?.payload).toMatchObject({ installation: { suspended_at: null } });
    expect(afterwards.status).toBe(200);
  });

  it('forgets a deleted installation and its tokens', async () => {
    const { sim } = await setup();
    const auth = await tokenFor(sim, ORG_INSTALLATION.id);

    await sim.sendInstallationEvent('deleted', ORG_INSTALLATION.id);

    const lookup = await api(sim, `GET /app/installations/${ORG_INSTALLATION.id}`, {
      auth: `Bearer ${appJwt()}`,
    });
    expect(lookup.status).toBe(404);
    expect((await api(sim, 'GET /orgs/acme/actions/runners', { auth })).status).toBe(401);
    await expect(sim.sendInstallationEvent('created', ORG_INSTALLATION.id)).rejects.toThrow(
      /not known/,
    );
  });
});

describe('workflow_job events', () => {
  it('sends workflow_job.queued with no runner yet, and every field of GitHub’s example', async () => {
    const { sim, receiver } = await setup();

    const { job, webhook } = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'acme/api',
      labels: ['self-hosted', 'linux', 'x64', 'small'],
    });

    expect(webhook?.status).toBe(202);
    const delivery = receiver.deliveries[0] as ReceivedDelivery;
    expectHookshotHeaders(delivery, 'workflow_job');
    expect(delivery.payload).toMatchObject({
      action: 'queued',
      workflow_job: {
        id: job.id,
        run_id: job.runId,
        status: 'queued',
        conclusion: null,
        labels: ['self-hosted', 'linux', 'x64', 'small'],
        runner_id: null,
        runner_name: null,
        runner_group_id: null,
      },
      repository: { full_name: 'acme/api', name: 'api', owner: { login: 'acme' } },
      organization: { login: 'acme' },
      installation: { id: ORG_INSTALLATION.id },
    });
    expect(missingKeys(exampleOf('workflow_job', 'queued'), delivery.payload)).toEqual([]);
    expect(sim.jobs()).toEqual([
      expect.objectContaining({ id: job.id, status: 'queued', repository: 'acme/api' }),
    ]);
  });

  it('sends no organization for a User account’s repository', async () => {
    const { sim, receiver } = await setup();

    await sim.queueJob({
      installationId: USER_INSTALLATION.id,
      repository: 'dotfiles',
      labels: ['self-hosted'],
    });

    const payload = receiver.deliveries[0]?.payload;
    expect(payload).not.toHaveProperty('organization');
    expect(payload).toMatchObject({
      repository: { full_name: 'solo-dev/dotfiles', owner: { type: 'User' } },
    });
  });

  it('skips the webhook when asked, as when a delivery is missed', async () => {
    const { sim, receiver } = await setup();

    const queued = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'web',
      labels: ['self-hosted'],
      send: false,
    });

    expect(queued.webhook).toBeUndefined();
    expect(receiver.deliveries).toEqual([]);
    expect(sim.jobs()).toEqual([
      expect.objectContaining({ status: 'queued', repository: 'acme/web' }),
    ]);
  });

  it('refuses a job for a repository the installation does not have', async () => {
    const { sim } = await setup();

    await expect(
      sim.queueJob({
        installationId: ORG_INSTALLATION.id,
        repository: 'solo-dev/dotfiles',
        labels: ['x'],
      }),
    ).rejects.toThrow(/not a repository of installation 1001/);
  });

  it('sends in_progress with the runner and completed with success as a runner works the job', async () => {
    const { sim, receiver } = await setup();
    const auth = await tokenFor(sim, ORG_INSTALLATION.id);
    const groups = await api(sim, 'GET /orgs/acme/actions/runner-groups', { auth });
    const group = (groups.body as { runner_groups: { id: number; name: string }[] })
      .runner_groups[0];
    const reply = await api(sim, 'POST /orgs/acme/actions/runners/generate-jitconfig', {
      auth,
      body: { name: 'acme-1', runner_group_id: group?.id, labels: ['self-hosted', 'small'] },
    });
    const { runner, encoded_jit_config } = reply.body as {
      runner: { id: number };
      encoded_jit_config: string;
    };
    const config = JSON.parse(Buffer.from(encoded_jit_config, 'base64').toString()) as Record<
      string,
      unknown
    >;
    const step = async (name: string, body: Record<string, unknown>) =>
      (
        await fetch(`${sim.url}/_sim/runner/${name}`, {
          method: 'POST',
          body: JSON.stringify(body),
        })
      ).json() as Promise<Record<string, unknown>>;
    const { session } = await step('connect', config);
    const { job } = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: ['small'],
    });

    await step('acquire', { session, wait_ms: 5_000 });
    await step('complete', { session, job_id: job.id });

    const [, inProgress, completed] = receiver.deliveries.map((d) => d.payload);
    const runnerFields = {
      runner_id: runner.id,
      runner_name: 'acme-1',
      runner_group_id: group?.id,
      runner_group_name: 'Default',
    };
    expect(inProgress).toMatchObject({
      action: 'in_progress',
      workflow_job: { status: 'in_progress', ...runnerFields },
    });
    expect(completed).toMatchObject({
      action: 'completed',
      workflow_job: {
        status: 'completed',
        conclusion: 'success',
        completed_at: expect.any(String),
        ...runnerFields,
      },
    });
    expect(missingKeys(exampleOf('workflow_job', 'in_progress'), inProgress)).toEqual([]);
    expect(missingKeys(exampleOf('workflow_job', 'completed'), completed)).toEqual([]);
    expect(receiver.deliveries.every((d) => d.signatureValid)).toBe(true);
  });
});

describe('any webhook', () => {
  it('signs the exact bytes sent, and redelivers under the same delivery id', async () => {
    const { sim, receiver } = await setup();
    const payload = { action: 'ping', zen: 'Non-ASCII: é ✓', nested: { n: 1.5 } };

    const first = await sim.sendWebhook('ping', payload, {
      deliveryId: 'f0a7d3c2-0000-4000-8000-000000000001',
    });
    const again = await sim.sendWebhook('ping', payload, { deliveryId: first.deliveryId });

    expect(again.deliveryId).toBe(first.deliveryId);
    expect(receiver.deliveries.map((d) => d.headers['x-github-delivery'])).toEqual([
      first.deliveryId,
      first.deliveryId,
    ]);
    expect(receiver.deliveries.map((d) => d.signatureValid)).toEqual([true, true]);
    expect(receiver.deliveries[0]?.payload).toEqual(payload);
  });

  it('produces a signature another secret does not verify', async () => {
    const { sim, receiver } = await setup('some-other-secret');

    await sim.sendWebhook('ping', { zen: 'x' });

    expect(receiver.deliveries[0]?.signatureValid).toBe(false);
  });

  it('reports the receiver’s status, and 0 when nothing listens', async () => {
    const { sim, receiver } = await setup();
    const answered = await sim.sendWebhook('ping', {});
    await receiver.close();

    const unanswered = await sim.sendWebhook('ping', {});

    expect(answered.status).toBe(202);
    expect(unanswered.status).toBe(0);
  });

  it('refuses to send without a configured webhook, but still queues jobs', async () => {
    sim = await startTestSimulator();

    await expect(sim.sendWebhook('ping', {})).rejects.toThrow(/without 'webhook'/);
    const queued = await sim.queueJob({
      installationId: ORG_INSTALLATION.id,
      repository: 'api',
      labels: ['a'],
    });
    expect(queued.webhook).toBeUndefined();
    expect(sim.jobs()).toHaveLength(1);
  });
});
