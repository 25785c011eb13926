import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { DeleteMessageCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';

import { createReconcilerFunction } from '../../src/lambda/reconciler.js';
import { scheduledEvent } from './lambda-events.js';
import type { Deployment } from './lambda-world.js';
import { lambdaWorld } from './lambda-world.js';

const world = lambdaWorld();

const SDK_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_EC2_METADATA_DISABLED',
];
const saved = Object.fromEntries(SDK_VARIABLES.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Points the SDK's own environment lookup at moto, as a Lambda's variables would. */
function useMotoThroughEnvironment(): void {
  process.env['AWS_ENDPOINT_URL'] = world.moto.endpoint;
  process.env['AWS_REGION'] = world.moto.region;
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
}

/** Where a client made from the environment alone would send; stopped before any I/O. */
async function hostOfDefaultClient(): Promise<string> {
  const client = new SQSClient({});
  let host = '';
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { hostname?: string; port?: number };
      host = `${request.hostname}:${request.port}`;
      throw new Error('stopped before sending');
    },
    { step: 'finalizeRequest', name: 'stopBeforeSending' },
  );
  await client.send(new ListQueuesCommand({})).catch(() => undefined);
  return host;
}

async function queueJob(aws: Deployment, tenant: number, jobId: number): Promise<void> {
  await aws.queueSmallJob(aws.webhook(), tenant, jobId);
}

describe('the reconciler function', () => {
  it('asks again for demand whose message was lost, on clients made from the environment', async () => {
    const aws = await world.deploy();
    const tenant = world.addOrganization();
    await queueJob(aws, tenant, 940_001);
    // The job event is handled, so the job is in the ledger; the reconcile it would have asked
    // for after a failed launch is lost.
    world.sim.injectFault({
      route: 'POST /orgs/:org/actions/runners/generate-jitconfig',
      status: 422,
      body: { message: 'The runner group has reached its maximum number of runners.' },
      installationId: tenant,
      times: 1,
    });
    await aws.consume(
      aws.scaleUp(),
      aws.tierQueue('small'),
      await aws.receive(aws.tierQueue('small')),
    );
    for (const lost of await aws.receive(aws.tierQueue('small'))) {
      await aws.setup.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: aws.queues.url(aws.tierQueue('small')),
          ReceiptHandle: lost.ReceiptHandle,
        }),
      );
    }
    expect(await aws.instancesOf(tenant)).toEqual([]);
    useMotoThroughEnvironment();
    const host = await hostOfDefaultClient();
    expect(host).toBe(new URL(world.moto.endpoint).host);

    const reconciler = createReconcilerFunction({ env: aws.env, logger: aws.logger });
    const result = await reconciler(scheduledEvent());
    const asked = await aws.receive(aws.tierQueue('small'));
    await aws.consume(aws.scaleUp(), aws.tierQueue('small'), asked);

    expect(result).toMatchObject({ reconcilesRequested: 1, runnersGone: 0 });
    expect(asked.map((m) => JSON.parse(m.Body ?? ''))).toEqual([
      { kind: 'reconcile', installationId: tenant, tier: 'small' },
    ]);
    expect(await aws.instancesOf(tenant)).toHaveLength(1);
  });

  it('frees the slot of a runner whose instance is gone, and launches again for its job', async () => {
    const aws = await world.deploy();
    const tenant = world.addOrganization();
    await queueJob(aws, tenant, 940_101);
    const scaleUp = aws.scaleUp();
    await aws.consume(scaleUp, aws.tierQueue('small'), await aws.receive(aws.tierQueue('small')));
    // A scheduled run sees the instance and records it against its runner, found by name.
    const seen = await aws.reconciler()(scheduledEvent());
    const [lost] = await aws.instancesOf(tenant);
    await aws.setup.ec2.send(
      new TerminateInstancesCommand({ InstanceIds: [lost?.InstanceId ?? ''] }),
    );

    const result = await aws.reconciler()(scheduledEvent());
    const finished = await aws.receive(aws.tierQueue('small'));
    await aws.consume(scaleUp, aws.tierQueue('small'), finished);
    // A runner that ended without a job delays the tenant's next launch (no launch loop), so
    // the next scheduled run is what serves the job again.
    const meanwhile = await aws.instancesOf(tenant);
    await aws.reconciler()(scheduledEvent());
    const reconcile = await aws.receive(aws.tierQueue('small'));
    await aws.consume(scaleUp, aws.tierQueue('small'), reconcile);
    const now = await aws.instancesOf(tenant);

    expect(seen).toMatchObject({ machinesRecorded: 1, runnersGone: 0 });
    expect(meanwhile).toHaveLength(0);

    expect(result).toMatchObject({ runnersGone: 1 });
    expect(finished.map((m) => JSON.parse(m.Body ?? ''))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'runner_finished', reason: 'machine_gone' }),
      ]),
    );
    expect(now).toHaveLength(1);
    expect(now[0]?.InstanceId).not.toBe(lost?.InstanceId);
  });

  it('keeps a job that arrived while its tenant item was broken by hand, and serves it once mended', async () => {
    const aws = await world.deploy();
    const tenant = world.addOrganization();
    await aws.install(aws.webhook(), tenant);
    const setLimit = (value: { S: string } | { N: string }) =>
      aws.editTenant(tenant, 'SET max_runners = :v', { ':v': value });
    await setLimit({ S: 'three' });
    await queueJob(aws, tenant, 940_201);
    const broken = await aws.consume(
      aws.scaleUp(),
      aws.tierQueue('small'),
      await aws.receive(aws.tierQueue('small')),
    );
    const whileBroken = await aws.reconciler()(scheduledEvent());

    await setLimit({ N: '3' });
    const mended = await aws.reconciler()(scheduledEvent());
    await aws.consume(
      aws.scaleUp(),
      aws.tierQueue('small'),
      await aws.receive(aws.tierQueue('small')),
    );

    expect(broken.batchItemFailures).toEqual([]);
    expect(aws.logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({
          err: expect.objectContaining({ message: expect.stringContaining('max_runners') }),
        }),
      }),
    );
    expect(whileBroken).toMatchObject({ reconcilesRequested: 0 });
    expect(mended).toMatchObject({ reconcilesRequested: 1 });
    expect(await aws.instancesOf(tenant)).toHaveLength(1);
  });
});
