import { describe, expect, it } from 'vitest';

import { operationsOf } from '../support/aws-calls.js';
import type { Deployment } from './lambda-world.js';
import { lambdaWorld } from './lambda-world.js';

const world = lambdaWorld();

/** One queued job through warm functions: the calls of each leg, and GitHub's. */
async function oneJob(
  aws: Deployment,
  functions: {
    webhook: ReturnType<Deployment['webhook']>;
    scaleUp: ReturnType<Deployment['scaleUp']>;
  },
  tenant: number,
  jobId: number,
) {
  const githubBefore = world.sim.requests().length;
  const awsBefore = aws.calls.length;

  const answer = await aws.queueSmallJob(functions.webhook, tenant, jobId);
  const webhookCalls = operationsOf(aws.calls.slice(awsBefore));

  const messages = await aws.receive(aws.tierQueue('small'));
  const scaleUpStart = aws.calls.length;
  await aws.consume(functions.scaleUp, aws.tierQueue('small'), messages);
  const scaleUpCalls = operationsOf(aws.calls.slice(scaleUpStart));

  const github = world.sim
    .requests()
    .slice(githubBefore)
    .map((r) => r.route);
  return { status: answer.statusCode, webhookCalls, scaleUpCalls, github };
}

describe('the calls one queued job costs on the hot path', () => {
  it('counts the AWS and GitHub calls of the webhook and the scale-up of a warm deployment', async () => {
    const aws = await world.deploy({ smallMaxRunners: 5 });
    const tenant = world.addOrganization();
    const functions = { webhook: aws.webhook(), scaleUp: aws.scaleUp() };
    await aws.install(functions.webhook, tenant);

    const cold = await oneJob(aws, functions, tenant, 990_001);
    const warm = await oneJob(aws, functions, tenant, 990_002);

    // What docs/aws.md reports; a change here must change the table there too.
    expect(warm.status).toBe(202);
    expect(warm.webhookCalls).toEqual(['SQS.SendMessage']);
    expect(warm.scaleUpCalls).toEqual([
      'DynamoDB.TransactWriteItems',
      'EC2.CreateFleet',
      'SSM.PutParameter',
    ]);
    expect(warm.github).toEqual(['POST /orgs/:org/actions/runners/generate-jitconfig']);

    // A cold start adds the secrets, the queue URL, the tenant's read and the amortised
    // GitHub token and group.
    expect(cold.webhookCalls).toEqual(['SQS.GetQueueUrl', 'SQS.SendMessage']);
    expect(cold.scaleUpCalls).toEqual([
      'SSM.GetParameters',
      'DynamoDB.GetItem',
      ...warm.scaleUpCalls,
    ]);
    expect(cold.github).toEqual([
      'POST /app/installations/:installation_id/access_tokens',
      'GET /orgs/:org/actions/runner-groups',
      'POST /orgs/:org/actions/runners/generate-jitconfig',
    ]);
  });

  it('makes no instance listing, runner listing or parameter search on the hot path', async () => {
    const aws = await world.deploy({ smallMaxRunners: 5 });
    const tenant = world.addOrganization();
    const functions = { webhook: aws.webhook(), scaleUp: aws.scaleUp() };
    await aws.install(functions.webhook, tenant);

    const jobs = [];
    for (let job = 0; job < 4; job += 1) {
      jobs.push(await oneJob(aws, functions, tenant, 991_000 + job));
    }

    const awsCalls = jobs.flatMap((job) => [...job.webhookCalls, ...job.scaleUpCalls]);
    const githubCalls = jobs.flatMap((job) => job.github);
    expect(await aws.instancesOf(tenant)).toHaveLength(4);
    expect(awsCalls).not.toContain('EC2.DescribeInstances');
    expect(awsCalls).not.toContain('SSM.DescribeParameters');
    // No listing of jobs, runners or decisions; the only read is the tenant's, once per warm
    // function and tenant, before the ledger's one write.
    expect(
      awsCalls.filter((call) => /DynamoDB\.(Query|Scan|GetItem|TransactGet)/.test(call)),
    ).toEqual(['DynamoDB.GetItem']);
    expect(jobs[0]?.scaleUpCalls).toContain('DynamoDB.GetItem');
    expect(
      githubCalls.filter(
        (route) => route.includes('/actions/runners') && !route.includes('generate-jitconfig'),
      ),
    ).toEqual([]);
    expect(world.sim.tokensMinted(tenant)).toBe(1);
  });
});
