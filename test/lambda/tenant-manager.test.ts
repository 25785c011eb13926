import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

import { parametersUnder } from '../adapters/aws/aws-runner-world.js';
import { installationPayload, workflowJobPayload } from '../support/webhook-payloads.js';
import { SMALL_LABELS, lambdaWorld } from './lambda-world.js';

const world = lambdaWorld();

describe('the tenant-manager function', () => {
  it('stops the runners of a deleted installation and removes their JIT configs (F9)', async () => {
    const aws = await world.deploy({ smallMaxRunners: 2 });
    const login = 'leaving-org';
    const tenant = world.addOrganization(login);
    const webhook = aws.webhook();
    await aws.deliver(
      webhook,
      'installation',
      installationPayload({ action: 'created', installationId: tenant, login }),
    );
    for (const jobId of [930_001, 930_002]) {
      await aws.deliver(
        webhook,
        'workflow_job',
        workflowJobPayload({
          action: 'queued',
          installationId: tenant,
          jobId,
          labels: [...SMALL_LABELS],
          repository: `${login}/app`,
        }),
      );
    }
    await aws.consume(
      aws.scaleUp(),
      aws.tierQueue('small'),
      await aws.receive(aws.tierQueue('small')),
    );
    const running = await aws.instancesOf(tenant);
    const configsBefore = await parametersUnder(aws.setup.ssm, `/${aws.prefix}/runners`);

    const deleted = await aws.deliver(
      webhook,
      'installation',
      installationPayload({ action: 'deleted', installationId: tenant, login }),
    );
    const events = await aws.receive(aws.tenantEventsQueue());
    const answer = await aws.consume(aws.tenantManager(), aws.tenantEventsQueue(), events);

    const githubBefore = world.sim.requests().length;
    const late = await aws.deliver(
      webhook,
      'workflow_job',
      workflowJobPayload({
        action: 'queued',
        installationId: tenant,
        jobId: 930_003,
        labels: [...SMALL_LABELS],
        repository: `${login}/app`,
      }),
    );
    const record = await aws.setup.dynamodb.send(
      new GetItemCommand({
        TableName: `${aws.prefix}-tenants`,
        Key: { installation_id: { N: String(tenant) } },
      }),
    );

    expect(running).toHaveLength(2);
    expect(configsBefore).toHaveLength(2);
    expect(JSON.parse(deleted.body)).toEqual({ status: 'accepted', reason: 'tenant_deleted' });
    expect(events.map((m) => JSON.parse(m.Body ?? ''))).toEqual([
      { kind: 'tenant_removed', installationId: tenant },
    ]);
    expect(answer.batchItemFailures).toEqual([]);
    expect(await aws.instancesOf(tenant)).toEqual([]);
    expect(await parametersUnder(aws.setup.ssm, `/${aws.prefix}/runners`)).toEqual([]);
    expect(record.Item?.['status']).toEqual({ S: 'deleted' });
    // The webhook reads nothing; the scale-up drops the job of a deleted tenant.
    expect(JSON.parse(late.body)).toEqual({ status: 'accepted', reason: 'job_event_queued' });
    const lateEvents = await aws.receive(aws.tierQueue('small'));
    expect(
      (await aws.consume(aws.scaleUp(), aws.tierQueue('small'), lateEvents)).batchItemFailures,
    ).toEqual([]);
    expect(world.sim.requests().slice(githubBefore)).toEqual([]);
    expect(await aws.instancesOf(tenant)).toEqual([]);
    expect(await aws.receive(aws.tierQueue('small'))).toEqual([]);
  });
});
