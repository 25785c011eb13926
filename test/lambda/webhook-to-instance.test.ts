import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';

import { decodeJitConfig } from '../adapters/github/github-fixture.js';
import { installationPayload, workflowJobPayload } from '../support/webhook-payloads.js';
import { SMALL_LABELS, WEBHOOK_SECRET, lambdaWorld } from './lambda-world.js';

const world = lambdaWorld();

describe('webhook → SQS → scale-up → instance', () => {
  it('turns a signed workflow_job.queued into an instance that holds its JIT config', async () => {
    const aws = await world.deploy();
    const installationId = world.addOrganization('acme-flow');
    const webhook = aws.webhook();
    const scaleUp = aws.scaleUp();

    const installed = await aws.deliver(
      webhook,
      'installation',
      installationPayload({ action: 'created', installationId, login: 'acme-flow' }),
    );
    const queued = await aws.deliver(
      webhook,
      'workflow_job',
      workflowJobPayload({
        action: 'queued',
        installationId,
        jobId: 880_001,
        labels: ['self-hosted', 'Linux', 'X64', 'small'],
        repository: 'acme-flow/app',
      }),
    );
    const githubAfterWebhook = world.sim
      .requests()
      .filter((r) => r.installationId === installationId);
    const messages = await aws.receive(aws.tierQueue('small'));
    const answer = await aws.consume(scaleUp, aws.tierQueue('small'), messages);

    expect(installed.statusCode).toBe(202);
    expect(queued.statusCode).toBe(202);
    expect(JSON.parse(queued.body)).toEqual({ status: 'accepted', reason: 'job_event_queued' });
    expect(githubAfterWebhook).toEqual([]);
    expect(messages.map((m) => JSON.parse(m.Body ?? ''))).toEqual([
      expect.objectContaining({
        kind: 'job_event',
        installationId,
        tier: 'small',
        jobId: 880_001,
        status: 'queued',
        repository: 'acme-flow/app',
      }),
    ]);
    expect(messages[0]?.MessageAttributes?.['tenant_id']?.StringValue).toBe(String(installationId));
    expect(answer).toEqual({ batchItemFailures: [] });

    const instances = await aws.instancesOf(installationId);
    expect(instances).toHaveLength(1);
    const instance = instances[0];
    const tags = Object.fromEntries((instance?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(instance?.InstanceType).toBe('t3.medium');
    expect(tags).toMatchObject({
      'ghr:tenant_id': String(installationId),
      'ghr:tenant_tier': 'small',
      'ghr:runner_tier': 'small',
      'ghr:environment': aws.prefix,
    });

    const parameterName = `/${aws.prefix}/runners/${instance?.InstanceId}`;
    const parameter = await aws.setup.ssm.send(
      new GetParameterCommand({ Name: parameterName, WithDecryption: true }),
    );
    const parameterTags = await aws.setup.ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: parameterName }),
    );
    const jit = decodeJitConfig(parameter.Parameter?.Value ?? '');
    const runner = world.sim.runners().find((r) => r.id === jit.runner_id);
    expect(parameter.Parameter?.Type).toBe('SecureString');
    expect(
      Object.fromEntries((parameterTags.TagList ?? []).map((t) => [t.Key, t.Value])),
    ).toMatchObject({
      'ghr:tenant_id': String(installationId),
      'ghr:instance_id': instance?.InstanceId,
    });
    expect(runner).toMatchObject({
      installationId,
      name: tags['ghr:runner_name'],
      labels: [...SMALL_LABELS],
      status: 'offline',
    });

    const logged = JSON.stringify(aws.logger.entries);
    expect(aws.logger.entries.length).toBeGreaterThan(0);
    expect(logged).not.toContain(JSON.stringify(WEBHOOK_SECRET).slice(1, -1));
    expect(logged).not.toContain(parameter.Parameter?.Value);
    expect(logged).not.toContain(jit.credential);
    expect(logged).not.toContain('PRIVATE KEY');
  });

  it('provisions a tenant it never saw installed from GitHub, then serves its job', async () => {
    const aws = await world.deploy();
    const installationId = world.addOrganization('late-org');
    const webhook = aws.webhook();
    const scaleUp = aws.scaleUp();

    await aws.deliver(
      webhook,
      'workflow_job',
      workflowJobPayload({
        action: 'queued',
        installationId,
        jobId: 880_101,
        labels: [...SMALL_LABELS],
        repository: 'late-org/app',
      }),
    );
    const answer = await aws.consume(
      scaleUp,
      aws.tierQueue('small'),
      await aws.receive(aws.tierQueue('small')),
    );

    const tenant = await aws.setup.dynamodb.send(
      new GetItemCommand({
        TableName: `${aws.prefix}-tenants`,
        Key: { installation_id: { N: String(installationId) } },
      }),
    );
    expect(answer.batchItemFailures).toEqual([]);
    expect(tenant.Item).toMatchObject({
      installation_id: { N: String(installationId) },
      status: { S: 'active' },
      tier: { S: 'small' },
      max_runners: { N: '2' },
    });
    expect(world.sim.requests().map((r) => r.route)).toContain(
      'GET /app/installations/:installation_id',
    );
    expect(await aws.instancesOf(installationId)).toHaveLength(1);
  });
});
