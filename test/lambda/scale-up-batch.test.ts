import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';

import { workflowJobPayload } from '../support/webhook-payloads.js';
import { eventually } from '../support/sqs-queues.js';
import type { Deployment } from './lambda-world.js';
import { SMALL_LABELS, lambdaWorld } from './lambda-world.js';

const world = lambdaWorld();

let jobIds = 910_000;

/** Sends workflow_job.queued for a small-tier job of the tenant through the webhook function. */
async function queueJob(aws: Deployment, installationId: number): Promise<number> {
  jobIds += 1;
  const response = await aws.queueSmallJob(aws.webhook(), installationId, jobIds);
  expect(response.statusCode).toBe(202);
  return jobIds;
}

const tenantOf = (body: string | undefined) =>
  (JSON.parse(body ?? '{}') as { installationId?: number }).installationId;

afterEach(() => world.sim.clearFaults());

describe('scale-up batches', () => {
  it('serves the other tenants when one tenant’s token mint fails, and that one later (F11)', async () => {
    const aws = await world.deploy();
    const [a, b, c] = [world.addOrganization(), world.addOrganization(), world.addOrganization()];
    for (const tenant of [a, b, c]) await queueJob(aws, tenant as number);
    world.sim.injectFault({
      route: 'POST /app/installations/:installation_id/access_tokens',
      status: 500,
      installationId: a,
    });
    const scaleUp = aws.scaleUp();

    const batch = await aws.receive(aws.tierQueue('small'));
    const first = await aws.consume(scaleUp, aws.tierQueue('small'), batch);
    const failedTenants = first.batchItemFailures.map((failure) =>
      tenantOf(batch.find((m) => m.MessageId === failure.itemIdentifier)?.Body),
    );
    const servedFirst = await Promise.all(
      [a, b, c].map(async (t) => (await aws.instancesOf(t as number)).length),
    );

    world.sim.clearFaults();
    const retried = await eventually('the failed message to come back', async () => {
      const messages = await aws.receive(aws.tierQueue('small'));
      return messages.length > 0 ? messages : undefined;
    });
    const second = await aws.consume(scaleUp, aws.tierQueue('small'), retried);

    expect(batch).toHaveLength(3);
    expect(failedTenants).toEqual([a]);
    expect(servedFirst).toEqual([0, 1, 1]);
    expect(retried.map((m) => tenantOf(m.Body))).toEqual([a]);
    expect(retried[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second.batchItemFailures).toEqual([]);
    expect(await aws.instancesOf(a as number)).toHaveLength(1);
    expect(await aws.receive(aws.tierQueue('small'))).toEqual([]);
  });

  it('names a malformed message as a failure, and the redrive policy takes it to the DLQ', async () => {
    const aws = await world.deploy({ maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
    const tenant = world.addOrganization();
    await queueJob(aws, tenant);
    await aws.setup.sqs.send(
      new SendMessageCommand({
        QueueUrl: aws.queues.url(aws.tierQueue('small')),
        MessageBody: '{"kind":"reconcile","installationId":"not a number"',
      }),
    );
    const scaleUp = aws.scaleUp();

    const batch = await aws.receive(aws.tierQueue('small'), 1);
    const answer = await aws.consume(scaleUp, aws.tierQueue('small'), batch);
    const poison = batch.find((m) => m.Body?.endsWith('"not a number"'));

    const dead = await eventually('the poison message in the DLQ', async () => {
      const again = await aws.receive(aws.tierQueue('small'), 1);
      if (again.length > 0) await aws.consume(scaleUp, aws.tierQueue('small'), again);
      const parked = await aws.receive(`${aws.tierQueue('small')}-dlq`);
      return parked.length > 0 ? parked : undefined;
    });

    expect(batch).toHaveLength(2);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: poison?.MessageId }]);
    expect(await aws.instancesOf(tenant)).toHaveLength(1);
    expect(dead.map((m) => m.MessageId)).toEqual([poison?.MessageId]);
    expect(aws.logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'malformed work message left for the dead-letter queue',
        fields: expect.objectContaining({
          message_id: poison?.MessageId,
          reason: expect.stringContaining('must be a JSON work item'),
        }),
      }),
    );
  });

  it('acknowledges a job over the limit, and serves it once a runner of the tenant finishes', async () => {
    const aws = await world.deploy({ smallMaxRunners: 2 });
    const tenant = world.addOrganization();
    const jobs = [];
    for (let i = 0; i < 3; i += 1) jobs.push(await queueJob(aws, tenant));
    const scaleUp = aws.scaleUp();

    const answer = await aws.consume(
      scaleUp,
      aws.tierQueue('small'),
      await aws.receive(aws.tierQueue('small')),
    );
    const atLimit = await aws.instancesOf(tenant);
    const leftOnQueue = await aws.receive(aws.tierQueue('small'));
    const dlq = await aws.receive(`${aws.tierQueue('small')}-dlq`);

    const runnerName = atLimit[0]?.Tags?.find((t) => t.Key === 'ghr:runner_name')?.Value;
    // Its runner exits after the job and the boot script powers the instance off, which the
    // launch template turns into a termination; moto boots nothing, so the test does it.
    await aws.setup.ec2.send(
      new TerminateInstancesCommand({ InstanceIds: [atLimit[0]?.InstanceId ?? ''] }),
    );
    await aws.deliver(
      aws.webhook(),
      'workflow_job',
      workflowJobPayload({
        action: 'completed',
        installationId: tenant,
        jobId: jobs[0] as number,
        labels: [...SMALL_LABELS],
        repository: `org-${tenant}/app`,
        runnerName,
      }),
    );
    const finished = await aws.receive(aws.tierQueue('small'));
    await aws.consume(scaleUp, aws.tierQueue('small'), finished);
    const reconcile = await aws.receive(aws.tierQueue('small'));
    await aws.consume(scaleUp, aws.tierQueue('small'), reconcile);
    const after = await aws.instancesOf(tenant);

    expect(answer.batchItemFailures).toEqual([]);
    expect(atLimit).toHaveLength(2);
    expect(leftOnQueue).toEqual([]);
    expect(dlq).toEqual([]);
    expect(aws.logger.entries).toContainEqual(
      expect.objectContaining({
        msg: 'no runner',
        fields: expect.objectContaining({ tenant_id: tenant, reason: 'at_tenant_limit' }),
      }),
    );
    expect(finished.map((m) => JSON.parse(m.Body ?? ''))).toEqual([
      expect.objectContaining({ kind: 'job_event', status: 'completed', runnerName }),
    ]);
    expect(reconcile.map((m) => JSON.parse(m.Body ?? ''))).toEqual([
      { kind: 'reconcile', installationId: tenant, tier: 'small' },
    ]);
    expect(after).toHaveLength(2);
    expect(after.map((i) => i.InstanceId)).not.toContain(atLimit[0]?.InstanceId);
  });

  it('logs and acknowledges work that fails for good, such as a full runner group', async () => {
    const aws = await world.deploy();
    const tenant = world.addOrganization();
    await queueJob(aws, tenant);
    world.sim.injectFault({
      route: 'POST /orgs/:org/actions/runners/generate-jitconfig',
      status: 422,
      body: { message: 'The runner group has reached its maximum number of runners.' },
      installationId: tenant,
    });
    const scaleUp = aws.scaleUp();

    const batch = await aws.receive(aws.tierQueue('small'));
    const answer = await aws.consume(scaleUp, aws.tierQueue('small'), batch);

    expect(batch).toHaveLength(1);
    expect(answer.batchItemFailures).toEqual([]);
    expect(aws.logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'work failed and will not be retried',
        fields: expect.objectContaining({
          item: expect.objectContaining({
            kind: 'job_event',
            installationId: tenant,
            tier: 'small',
            status: 'queued',
          }),
        }),
      }),
    );
    expect(aws.calls.map((call) => call.operation)).not.toContain('ChangeMessageVisibility');
    expect(await aws.instancesOf(tenant)).toEqual([]);
  });

  it('delays a retry as long as GitHub’s Retry-After asks', async () => {
    const aws = await world.deploy();
    const tenant = world.addOrganization();
    await queueJob(aws, tenant);
    world.sim.injectFault({
      route: 'POST /orgs/:org/actions/runners/generate-jitconfig',
      status: 429,
      headers: { 'retry-after': '120' },
      body: { message: 'You have exceeded a secondary rate limit.' },
      installationId: tenant,
    });
    const scaleUp = aws.scaleUp();

    const batch = await aws.receive(aws.tierQueue('small'));
    const answer = await aws.consume(scaleUp, aws.tierQueue('small'), batch);

    const delays = aws.calls
      .filter((call) => call.operation === 'ChangeMessageVisibility')
      .map((call) => call.input['VisibilityTimeout']);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: batch[0]?.MessageId }]);
    expect(delays).toEqual([120]);
    expect(await aws.instancesOf(tenant)).toEqual([]);
  });

  it('sends work that keeps failing for a passing reason again, rather than to the DLQ', async () => {
    const aws = await world.deploy({ maxReceiveCount: 2 });
    const tenant = world.addOrganization();
    await queueJob(aws, tenant);
    world.sim.injectFault({
      route: 'POST /app/installations/:installation_id/access_tokens',
      status: 503,
      installationId: tenant,
    });
    const scaleUp = aws.scaleUp();

    const first = await aws.receive(aws.tierQueue('small'));
    const firstAnswer = await aws.consume(scaleUp, aws.tierQueue('small'), first);
    const second = await eventually('the retried message', async () => {
      const messages = await aws.receive(aws.tierQueue('small'));
      return messages.length > 0 ? messages : undefined;
    });
    const secondAnswer = await aws.consume(scaleUp, aws.tierQueue('small'), second);
    const copy = await eventually('the copy sent again', async () => {
      const messages = await aws.receive(aws.tierQueue('small'));
      return messages.length > 0 ? messages : undefined;
    });

    expect(firstAnswer.batchItemFailures).toHaveLength(1);
    expect(second[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(secondAnswer.batchItemFailures).toEqual([]);
    expect(copy.map((m) => JSON.parse(m.Body ?? ''))).toEqual([
      expect.objectContaining({ kind: 'job_event', installationId: tenant, status: 'queued' }),
    ]);
    expect(copy[0]?.MessageId).not.toBe(first[0]?.MessageId);
    expect(copy[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await aws.receive(`${aws.tierQueue('small')}-dlq`)).toEqual([]);
  });
});
