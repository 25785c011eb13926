import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  DescribeTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import type { Instance } from '@aws-sdk/client-ec2';
import {
  DescribeLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
} from '@aws-sdk/client-ec2';
import type { Message } from '@aws-sdk/client-sqs';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDynamoStores } from '../../src/adapters/aws/dynamodb-stores.js';
import { createMemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import { signWebhook } from '../../src/http/webhook-signature.js';
import type { LambdaRuntimeOptions } from '../../src/lambda/aws-deps.js';
import { createWebhookFunction } from '../../src/lambda/webhook.js';
import { createWorkFunction } from '../../src/lambda/work-function.js';
import { liveInstances } from '../adapters/aws/aws-runner-world.js';
import { httpApiEvent, sqsEventOf } from '../lambda/lambda-events.js';
import { receiveAll } from '../support/sqs-queues.js';
import { installationPayload, workflowJobPayload } from '../support/webhook-payloads.js';
import type { AppliedExample } from './applied-example.js';
import { ENVIRONMENT, applyExample, destroyExample } from './applied-example.js';
import { BOOT_SCRIPT, EXAMPLE_DIR, ROOT } from './deployment-tree.js';
import { codeBlocks, section, shellCommands, words } from './readme-commands.js';
import { terraform, terraformOk } from './terraform-cli.js';

/** The seed's tiers, as its README's table lists them. */
const SEED_TIERS = {
  small: { instanceTypes: ['t3.medium'], maxRunners: 2 },
  medium: { instanceTypes: ['t3.large', 'm5.large'], maxRunners: 5 },
  large: { instanceTypes: ['t3.xlarge', 'm5.xlarge'], maxRunners: 10 },
} as const;

const INSTALLATION_ID = 12_345_678;

interface QueueOutput {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly dead_letter: { readonly name: string; readonly url: string; readonly arn: string };
}

interface TierOutput {
  readonly labels: string[];
  readonly instance_types: string[];
  readonly max_runners: number;
  readonly image_id: string;
  readonly launch_template: {
    readonly id: string;
    readonly name: string;
    readonly version: number;
  };
  readonly queue: string;
}

interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly change: {
    readonly actions: string[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
  };
}

let example: AppliedExample;

beforeAll(async () => {
  example = await applyExample();
  console.log(`terraform apply of the example on moto took ${example.applySeconds.toFixed(0)} s`);
}, 420_000);

afterAll(async () => {
  await example?.close();
});

function output<T>(name: string): T {
  const found = example.outputs[name];
  if (found === undefined) throw new Error(`the example has no output ${name}`);
  return found.value as T;
}

/** The environment Terraform gave a function, as Lambda holds it. */
async function functionEnvironment(name: string): Promise<Record<string, string>> {
  const configuration = (await example.aws([
    'lambda',
    'get-function-configuration',
    '--function-name',
    name,
  ])) as { Environment: { Variables: Record<string, string> } };
  return configuration.Environment.Variables;
}

async function runtimeOptions(functionName: string): Promise<LambdaRuntimeOptions> {
  return {
    env: await functionEnvironment(functionName),
    clients: example.clients,
    logger: createMemoryLogger(),
  };
}

async function deliver(
  event: string,
  payload: unknown,
): Promise<{ statusCode: number; body: string }> {
  const webhook = createWebhookFunction(await runtimeOptions(`${ENVIRONMENT}-webhook`));
  const body = JSON.stringify(payload);
  const secret = output<string>('webhook_secret');
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/044aadd',
    'x-github-event': event,
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': await signWebhook(secret, body),
  };
  return webhook(httpApiEvent(headers, body));
}

describe('the example applied to moto', () => {
  it('plans no change on a second plan, but for moto re-spacing the redrive policies', async () => {
    const planFile = join(example.root, 'second.tfplan');
    const plan = await terraform(
      ['plan', '-input=false', '-detailed-exitcode', `-out=${planFile}`],
      {
        cwd: example.exampleDir,
        env: example.env,
      },
    );
    const shown = await terraformOk(['show', '-json', planFile], {
      cwd: example.exampleDir,
      env: example.env,
    });
    const changes = (
      JSON.parse(shown.stdout) as { resource_changes: PlannedChange[] }
    ).resource_changes.filter(
      (change) => !change.change.actions.every((action) => action === 'no-op' || action === 'read'),
    );

    // moto returns a queue's RedrivePolicy as json.dumps writes it, with spaces after ':' and
    // ',', where SQS returns it compact; the provider compares the strings. Any other change,
    // or a redrive policy that differs in content, fails here.
    for (const change of changes) {
      expect(change.address).toMatch(/^module\.runners\.aws_sqs_queue\.work\[/);
      expect(change.change.actions).toEqual(['update']);
      const { redrive_policy: beforePolicy, ...before } = change.change.before ?? {};
      const { redrive_policy: afterPolicy, ...after } = change.change.after ?? {};
      expect(after).toEqual(before);
      expect(JSON.parse(String(afterPolicy))).toEqual(JSON.parse(String(beforePolicy)));
    }
    expect(plan.code).toBe(changes.length === 0 ? 0 : 2);
  }, 120_000);

  it('outputs what the original example names: webhook_endpoint, webhook_secret, tenant_table, runner_tiers, queues', () => {
    expect(Object.keys(example.outputs).sort()).toEqual(
      ['queues', 'runner_tiers', 'tenant_table', 'webhook_endpoint', 'webhook_secret'].sort(),
    );
    expect(output<string>('webhook_endpoint')).toMatch(
      /^https:\/\/[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com\/webhook$/,
    );
    expect(example.outputs['webhook_secret']?.sensitive).toBe(true);
    expect(output<string>('webhook_secret')).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(output('tenant_table')).toEqual({
      name: `${ENVIRONMENT}-tenants`,
      arn: `arn:aws:dynamodb:us-east-1:123456789012:table/${ENVIRONMENT}-tenants`,
    });

    const tiers = output<Record<string, TierOutput>>('runner_tiers');
    const queues = output<Record<string, QueueOutput>>('queues');
    expect(Object.keys(tiers).sort()).toEqual(['large', 'medium', 'small']);
    expect(Object.keys(queues).sort()).toEqual(['large', 'medium', 'small']);
    for (const [name, seed] of Object.entries(SEED_TIERS)) {
      expect(tiers[name]).toMatchObject({
        labels: ['self-hosted', 'linux', 'x64', name],
        instance_types: seed.instanceTypes,
        max_runners: seed.maxRunners,
        queue: `${ENVIRONMENT}-${name}-builds`,
        launch_template: { name: `${ENVIRONMENT}-${name}` },
      });
      expect(queues[name]).toMatchObject({
        name: `${ENVIRONMENT}-${name}-builds`,
        dead_letter: { name: `${ENVIRONMENT}-${name}-builds-dlq` },
      });
    }
  });

  it("deploys the tiers the README's table lists", () => {
    const readme = readFileSync(join(ROOT, EXAMPLE_DIR, 'README.md'), 'utf8');
    const rows = section(readme, 'Runner Tiers')
      .split('\n')
      .filter((line) => /^\| [A-Z]/.test(line) && line.includes('`'))
      .map((line) => line.slice(2, -2).split(' | '));
    const tiers = output<Record<string, TierOutput>>('runner_tiers');

    const deployed = Object.entries(tiers).map(([name, tier]) => [
      name,
      tier.labels.join(', '),
      tier.instance_types.join(', '),
      String(tier.max_runners),
    ]);
    const listed = rows.map(([name = '', labels = '', types = '', max = '']) => [
      name.toLowerCase(),
      labels.replace(/`/g, ''),
      types,
      max,
    ]);
    expect(listed.sort()).toEqual(deployed.sort());
  });

  it("made the tables, queues and launch templates as the functions and operators' commands expect", async () => {
    const { dynamodb, sqs, ec2 } = example.clients;
    const tenants = await dynamodb.send(
      new DescribeTableCommand({ TableName: `${ENVIRONMENT}-tenants` }),
    );
    const backups = await dynamodb.send(
      new DescribeContinuousBackupsCommand({ TableName: `${ENVIRONMENT}-tenants` }),
    );
    const ledgerTtl = await dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: `${ENVIRONMENT}-ledger` }),
    );

    expect(tenants.Table?.KeySchema).toEqual([
      { AttributeName: 'installation_id', KeyType: 'HASH' },
    ]);
    expect(tenants.Table?.AttributeDefinitions).toEqual([
      { AttributeName: 'installation_id', AttributeType: 'N' },
    ]);
    expect(
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription
        ?.PointInTimeRecoveryStatus,
    ).toBe('ENABLED');
    expect(ledgerTtl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expires_at',
      TimeToLiveStatus: 'ENABLED',
    });

    const queues = output<Record<string, QueueOutput>>('queues');
    const small = queues['small'];
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: small?.url, AttributeNames: ['All'] }),
    );
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: small?.dead_letter.arn,
      maxReceiveCount: 5,
    });
    expect(Number(attributes.Attributes?.VisibilityTimeout)).toBeGreaterThanOrEqual(120);

    const template = output<Record<string, TierOutput>>('runner_tiers')['small']?.launch_template;
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: template?.id,
        Versions: ['$Default'],
      }),
    );
    const data = versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData;
    expect(data?.MetadataOptions).toMatchObject({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 1,
      HttpEndpoint: 'enabled',
    });
    expect(data?.InstanceInitiatedShutdownBehavior).toBe('terminate');
    expect(data?.IamInstanceProfile?.Arn).toMatch(/:instance-profile\/my-saas-runner$/);
    const userData = Buffer.from(data?.UserData ?? '', 'base64').toString('utf8');
    expect(userData.startsWith('#!/bin/bash\n')).toBe(true);
    expect(userData).toContain(`export GHR_ENVIRONMENT='${ENVIRONMENT}'`);
    expect(userData).toContain(readFileSync(join(ROOT, BOOT_SCRIPT), 'utf8'));
  });
});

/** A policy with every one-element list as its element and every list sorted, to compare. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value
      .map(normalized)
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    return items.length === 1 ? items[0] : items;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalized(item)]));
  }
  return value;
}

async function rolePolicy(role: string): Promise<{ Statement: Record<string, unknown>[] }> {
  const answer = (await example.aws([
    'iam',
    'get-role-policy',
    '--role-name',
    role,
    '--policy-name',
    role,
  ])) as { PolicyDocument: string | { Statement: Record<string, unknown>[] } };
  const document = answer.PolicyDocument;
  return typeof document === 'string' ? JSON.parse(decodeURIComponent(document)) : document;
}

describe('the roles', () => {
  it('let a runner instance read and delete only its own JIT parameter, as docs/aws-compute.md states', async () => {
    const docs = readFileSync(join(ROOT, 'docs/aws-compute.md'), 'utf8');
    const documented = section(docs, "The instance's own parameter only: the IAM policy");
    const block = codeBlocks(documented).find((candidate) => candidate.language === 'json');
    const expected = JSON.parse(
      (block?.code ?? '{}')
        .replaceAll('<region>', 'us-east-1')
        .replaceAll('<account>', '123456789012')
        .replaceAll('<environment>', ENVIRONMENT),
    ) as { Statement: unknown[] };
    const attached = (await example.aws([
      'iam',
      'list-attached-role-policies',
      '--role-name',
      `${ENVIRONMENT}-runner`,
    ])) as { AttachedPolicies: unknown[] };

    const policy = await rolePolicy(`${ENVIRONMENT}-runner`);

    expect(normalized(policy.Statement)).toEqual(normalized(expected.Statement));
    expect(attached.AttachedPolicies).toEqual([]);
  });

  it("keep the webhook away from the App's key, EC2 and the runners' parameters", async () => {
    const policy = await rolePolicy(`${ENVIRONMENT}-webhook-lambda`);
    const actions = policy.Statement.flatMap((statement) => [statement['Action']].flat());
    const resources = policy.Statement.flatMap((statement) => [statement['Resource']].flat());

    expect(
      actions.filter((action) => /^(ec2|iam|ssm:(?!GetParameters$))/.test(String(action))),
    ).toEqual([]);
    expect(resources).toContain(
      `arn:aws:ssm:us-east-1:123456789012:parameter/${ENVIRONMENT}/github/webhook-secret`,
    );
    expect(
      resources.filter((resource) => /private-key|app-id|runners/.test(String(resource))),
    ).toEqual([]);
  });

  it('let the reconciler stop runners but launch none', async () => {
    const policy = await rolePolicy(`${ENVIRONMENT}-reconciler-lambda`);
    const actions = policy.Statement.flatMap((statement) => [statement['Action']].flat()).map(
      String,
    );

    expect(actions).toContain('ec2:TerminateInstances');
    expect(
      actions.filter((action) => /CreateFleet|RunInstances|PassRole|PutParameter/.test(action)),
    ).toEqual([]);
  });
});

describe('the functions, in-process on the deployed resources', () => {
  it('turn a signed installation into a tenant, a queued small job into a message, and that into a runner', async () => {
    const { dynamodb, sqs, ec2, ssm } = example.clients;
    const tenantTable = output<{ name: string }>('tenant_table').name;
    const small = output<Record<string, QueueOutput>>('queues')['small'] as QueueOutput;
    example.sim.addInstallation({
      id: INSTALLATION_ID,
      account: { login: 'acme', type: 'Organization' },
      repositories: ['app'],
    });

    const installed = await deliver(
      'installation',
      installationPayload({ action: 'created', installationId: INSTALLATION_ID, login: 'acme' }),
    );
    const tenant = await dynamodb.send(
      new GetItemCommand({
        TableName: tenantTable,
        Key: { installation_id: { N: String(INSTALLATION_ID) } },
        ConsistentRead: true,
      }),
    );
    expect(installed.statusCode).toBe(202);
    expect(tenant.Item).toMatchObject({
      status: { S: 'active' },
      tier: { S: 'small' },
      max_runners: { N: '2' },
    });

    const queued = await deliver(
      'workflow_job',
      workflowJobPayload({
        action: 'queued',
        installationId: INSTALLATION_ID,
        jobId: 990_001,
        labels: ['self-hosted', 'linux', 'x64', 'small'],
        repository: 'acme/app',
      }),
    );
    const messages: Message[] = await receiveAll(sqs, small.url, 300);
    expect(queued.statusCode).toBe(202);
    expect(messages.map((message) => JSON.parse(message.Body ?? 'null'))).toEqual([
      expect.objectContaining({
        kind: 'job_event',
        installationId: INSTALLATION_ID,
        tier: 'small',
        status: 'queued',
      }),
    ]);

    const scaleUp = createWorkFunction(await runtimeOptions(`${ENVIRONMENT}-scale-up`), 'scale-up');
    const answer = await scaleUp(sqsEventOf(messages, small.name));
    for (const message of messages) {
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: small.url, ReceiptHandle: message.ReceiptHandle }),
      );
    }
    expect(answer).toEqual({ batchItemFailures: [] });

    const instances: Instance[] = await liveInstances(ec2, [
      { Name: 'tag:ghr:tenant_id', Values: [String(INSTALLATION_ID)] },
    ]);
    expect(instances).toHaveLength(1);
    const instance = instances[0] as Instance;
    const tags = Object.fromEntries((instance.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
    expect(tags).toMatchObject({
      'ghr:tenant_id': String(INSTALLATION_ID),
      'ghr:tenant_tier': 'small',
      'ghr:runner_tier': 'small',
      'ghr:environment': ENVIRONMENT,
    });
    const tier = output<Record<string, TierOutput>>('runner_tiers')['small'] as TierOutput;
    expect(instance.InstanceType).toBe('t3.medium');
    expect(instance.ImageId).toBe(tier.image_id);

    const parameter = `/${ENVIRONMENT}/runners/${instance.InstanceId}`;
    const jit = await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
    const jitTags = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: parameter }),
    );
    expect(jit.Parameter?.Type).toBe('SecureString');
    expect(jit.Parameter?.Value).toBeTruthy();
    expect(
      Object.fromEntries((jitTags.TagList ?? []).map((tag) => [tag.Key, tag.Value])),
    ).toMatchObject({
      'ghr:tenant_id': String(INSTALLATION_ID),
      'ghr:instance_arn': `arn:aws:ec2:us-east-1:123456789012:instance/${instance.InstanceId}`,
    });
    expect(
      example.sim.runners().filter((runner) => runner.installationId === INSTALLATION_ID),
    ).toHaveLength(1);
  }, 60_000);
});

describe("the example README's commands, with the AWS CLI, against the deployment", () => {
  const readme = readFileSync(join(ROOT, EXAMPLE_DIR, 'README.md'), 'utf8');
  const commandsOf = (title: string) =>
    shellCommands(section(readme, title)).map((command) =>
      command.replaceAll('YOUR_INSTALLATION_ID', String(INSTALLATION_ID)),
    );

  async function run(command: string): Promise<string> {
    // Every command goes to moto: the environment points the CLI there, and none names a host.
    expect(command).not.toMatch(/https?:\/\/|amazonaws\.com|--endpoint-url|--profile/);
    const result = await example.shell(command);
    expect(result.code, `${command}\n${result.stderr}`).toBe(0);
    return result.stdout;
  }

  /** `aws logs tail` needs the AWS CLI v2; the group it tails must exist either way. */
  async function logGroupOf(command: string): Promise<{ retentionInDays?: number } | undefined> {
    const group = words(command)[3] ?? '';
    const found = (await example.aws([
      'logs',
      'describe-log-groups',
      '--log-group-name-prefix',
      group,
    ])) as { logGroups: { logGroupName: string; retentionInDays?: number }[] };
    return found.logGroups.find((candidate) => candidate.logGroupName === group);
  }

  it('list, show and upgrade the tenant, and find its runner', async () => {
    const [list] = commandsOf('List Active Tenants');
    const [details] = commandsOf('Check Tenant Details');
    const [upgrade] = commandsOf('Upgrade Tenant Tier');
    const [runners] = commandsOf('View Running Runners by Tenant');

    const active = JSON.parse(await run(list ?? '')) as { Items: Record<string, { N?: string }>[] };
    const before = JSON.parse(await run(details ?? '')) as { Item: Record<string, { S?: string }> };
    await run(upgrade ?? '');
    const tenant = await createDynamoStores({
      client: example.clients.dynamodb,
      prefix: ENVIRONMENT,
      clock: { now: () => Date.now() },
    }).tenants.get(INSTALLATION_ID);
    const listed = JSON.parse(await run(runners ?? '')) as { ID: string; State: string }[];
    const live = await liveInstances(example.clients.ec2, [
      { Name: 'tag:ghr:tenant_id', Values: [String(INSTALLATION_ID)] },
    ]);

    expect(active.Items.map((item) => item['installation_id']?.N)).toContain(
      String(INSTALLATION_ID),
    );
    expect(before.Item['tier']?.S).toBe('small');
    expect(tenant).toMatchObject({ tier: 'medium', maxRunners: 5, status: 'active' });
    expect(listed.map((runner) => runner.ID)).toEqual(live.map((instance) => instance.InstanceId));
    expect(listed).toHaveLength(1);
  }, 120_000);

  it('troubleshoot: the log groups exist, the tenant and its queue can be read, its runners counted', async () => {
    const tenantLogs = commandsOf('Tenant Not Provisioning');
    const jobs = commandsOf('Jobs Not Starting');
    const [count] = commandsOf('Tenant At Runner Limit');

    for (const command of [...tenantLogs, ...jobs].filter((c) => c.startsWith('aws logs tail '))) {
      expect(await logGroupOf(command), command).toMatchObject({ retentionInDays: 30 });
    }
    const rest = jobs.filter((command) => !command.startsWith('aws logs tail '));
    const [tenant, queue] = rest;
    expect(rest).toHaveLength(2);
    expect(JSON.parse(await run(tenant ?? ''))).toMatchObject({
      Item: { installation_id: { N: String(INSTALLATION_ID) } },
    });
    expect(JSON.parse(await run(queue ?? ''))).toEqual({
      Attributes: { ApproximateNumberOfMessages: '0' },
    });
    expect((await run(count ?? '')).trim()).toBe('1');
  }, 120_000);

  it("clean up: terminate the deployment's runners and remove their JIT configs", async () => {
    const cleanUp = commandsOf('Clean Up');
    const aws = cleanUp.filter((command) => command.startsWith('aws '));

    for (const command of aws) await run(command);
    const live = await liveInstances(example.clients.ec2, [
      { Name: 'tag:ghr:environment', Values: [ENVIRONMENT] },
    ]);
    const left = await example.aws([
      'ssm',
      'get-parameters-by-path',
      '--path',
      `/${ENVIRONMENT}/runners`,
    ]);

    expect(aws).toHaveLength(2);
    expect(cleanUp.filter((command) => !command.startsWith('aws '))).toEqual(['terraform destroy']);
    expect(live).toEqual([]);
    expect(left).toEqual({ Parameters: [] });
  }, 120_000);
});

describe('terraform destroy', () => {
  it('removes the tables, queues, functions, templates and parameters it made', async () => {
    const report = await destroyExample(example);
    const { dynamodb, sqs, ec2 } = example.clients;

    const tables = await dynamodb.send(new ListTablesCommand({}));
    const queues = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: ENVIRONMENT }));
    const templates = await ec2.send(new DescribeLaunchTemplatesCommand({}));
    const parameters = await example.aws([
      'ssm',
      'get-parameters-by-path',
      '--path',
      `/${ENVIRONMENT}`,
      '--recursive',
    ]);
    const functions = (await example.aws(['lambda', 'list-functions'])) as {
      Functions: { FunctionName: string }[];
    };

    expect(report).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
    expect((tables.TableNames ?? []).filter((name) => name.startsWith(ENVIRONMENT))).toEqual([]);
    expect(queues.QueueUrls ?? []).toEqual([]);
    expect(templates.LaunchTemplates ?? []).toEqual([]);
    expect(parameters).toEqual({ Parameters: [] });
    expect(functions.Functions.map((f) => f.FunctionName)).toEqual([]);
  }, 120_000);
});
