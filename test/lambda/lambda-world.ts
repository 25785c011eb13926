import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Instance } from '@aws-sdk/client-ec2';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { Message } from '@aws-sdk/client-sqs';
import { DeleteMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSBatchResponse } from 'aws-lambda';
import type { APIGatewayProxyResult } from 'hono/aws-lambda';
import { afterAll, beforeAll } from 'vitest';

import { createTables } from '../../src/adapters/aws/dynamodb-tables.js';
import { tenantEventsQueueName, tierQueueName } from '../../src/adapters/aws/sqs-work-message.js';
import type { MemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import { createMemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import type { AwsClients } from '../../src/lambda/aws-clients.js';
import type { LambdaRuntimeOptions } from '../../src/lambda/aws-deps.js';
import { createReconcilerFunction } from '../../src/lambda/reconciler.js';
import type { WebhookFunction } from '../../src/lambda/webhook.js';
import { createWebhookFunction } from '../../src/lambda/webhook.js';
import type { WorkFunction } from '../../src/lambda/work-function.js';
import { createWorkFunction } from '../../src/lambda/work-function.js';
import { signWebhook } from '../../src/http/webhook-signature.js';
import type { GitHubSimulator } from '../../tools/github-sim/index.js';
import { startGitHubSimulator } from '../../tools/github-sim/index.js';
import type { RunnerNetwork } from '../adapters/aws/aws-runner-world.js';
import {
  MOTO_ACCOUNT,
  createRunnerNetwork,
  liveInstances,
} from '../adapters/aws/aws-runner-world.js';
import type { AwsCall } from '../support/aws-calls.js';
import { recordAwsCalls } from '../support/aws-calls.js';
import type { Moto } from '../support/moto.js';
import { installationPayload, workflowJobPayload } from '../support/webhook-payloads.js';
import { startMoto } from '../support/moto.js';
import type { DeploymentQueues, QueueOptions } from '../support/sqs-queues.js';
import { createDeploymentQueues, receiveAll } from '../support/sqs-queues.js';
import { httpApiEvent, sqsEventOf } from './lambda-events.js';

export const APP_ID = 515_151;
export const SMALL_LABELS = ['self-hosted', 'linux', 'x64', 'small'] as const;
export const WEBHOOK_SECRET = 'lambda-$ecret-"quoted"-\\slash';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});

export interface DeployOptions extends QueueOptions {
  /** `max_runners` of the small tier (and the default plan); default 2. */
  readonly smallMaxRunners?: number;
}

/** One deployment of the AWS backend on moto: its names, resources and functions. */
export interface Deployment {
  readonly prefix: string;
  readonly env: Readonly<Record<string, string>>;
  readonly queues: DeploymentQueues;
  readonly network: RunnerNetwork;
  /** Every AWS call the functions made, across all their clients. */
  readonly calls: AwsCall[];
  readonly logger: MemoryLogger;
  /** Clients for the test's own setup and checks; their calls are not recorded. */
  readonly setup: AwsClients;
  /** Fresh clients, as a new Lambda environment would make, recorded into `calls`. */
  newClients(): AwsClients;
  /** A new instance of a function: its first invocation is a cold start. */
  webhook(options?: Partial<LambdaRuntimeOptions>): WebhookFunction;
  scaleUp(options?: Partial<LambdaRuntimeOptions>): WorkFunction;
  tenantManager(options?: Partial<LambdaRuntimeOptions>): WorkFunction;
  reconciler(options?: Partial<LambdaRuntimeOptions>): ReturnType<typeof createReconcilerFunction>;
  /** Signs `payload` with the App's webhook secret and sends it through `webhook`. */
  deliver(
    webhook: WebhookFunction,
    event: string,
    payload: unknown,
    deliveryId?: string,
  ): Promise<APIGatewayProxyResult>;
  /** Sends a signed `installation.created` for the organisation `org-<id>`. */
  install(webhook: WebhookFunction, installationId: number): Promise<APIGatewayProxyResult>;
  /** Sends a signed `workflow_job.queued` of the small tier in `org-<id>/app`. */
  queueSmallJob(
    webhook: WebhookFunction,
    installationId: number,
    jobId: number,
  ): Promise<APIGatewayProxyResult>;
  /** Changes the tenant's item as an operator does by hand, with `aws dynamodb update-item`. */
  editTenant(
    installationId: number,
    update: string,
    values: Record<string, AttributeValue>,
    names?: Record<string, string>,
  ): Promise<void>;
  /** `<prefix>-<tier>-builds`. */
  tierQueue(tier: string): string;
  tenantEventsQueue(): string;
  /** Receives every visible message of a queue (hidden for `visibilitySeconds`). */
  receive(queueName: string, visibilitySeconds?: number): Promise<Message[]>;
  /**
   * Hands messages to a consumer function as the event source mapping does, and deletes the
   * ones its answer does not name, as the mapping does after a partial batch response.
   */
  consume(
    fn: WorkFunction,
    queueName: string,
    messages: readonly Message[],
  ): Promise<SQSBatchResponse>;
  /** Pending and running instances of a tenant in this deployment. */
  instancesOf(installationId: number): Promise<Instance[]>;
}

export interface LambdaWorld {
  readonly moto: Moto;
  readonly sim: GitHubSimulator;
  deploy(options?: DeployOptions): Promise<Deployment>;
  /** Adds an organisation installation to the simulator, with a fresh id. */
  addOrganization(login?: string): number;
}

let installationIds = 70_000 + Math.floor(Math.random() * 1_000) * 10;

/** Starts moto and the GitHub simulator for the test file, and stops them after it. */
export function lambdaWorld(): LambdaWorld {
  let moto: Moto | undefined;
  let sim: GitHubSimulator | undefined;
  // moto runs TransactWriteItems without isolation; one request at a time is how DynamoDB
  // behaves, and the read-then-write races the ledger guards against still happen.
  const dynamoAgent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    moto = await startMoto();
    sim = await startGitHubSimulator({ appId: APP_ID, appPublicKeyPem: keys.publicKey });
  });
  afterAll(async () => {
    await sim?.close();
    dynamoAgent.destroy();
    await moto?.stop();
  });

  const running = () => {
    if (moto === undefined || sim === undefined) throw new Error('use the world inside a test');
    return { moto, sim };
  };

  return {
    get moto() {
      return running().moto;
    },
    get sim() {
      return running().sim;
    },
    addOrganization(login) {
      installationIds += 1;
      const id = installationIds;
      running().sim.addInstallation({
        id,
        account: { login: login ?? `org-${id}`, type: 'Organization' },
        repositories: ['app'],
      });
      return id;
    },
    deploy: (options = {}) => deploy(running().moto, running().sim, dynamoAgent, options),
  };
}

async function deploy(
  moto: Moto,
  sim: GitHubSimulator,
  dynamoAgent: Agent,
  options: DeployOptions,
): Promise<Deployment> {
  const prefix = `l${randomUUID().slice(0, 6)}`;
  const calls: AwsCall[] = [];
  const logger = createMemoryLogger();

  const makeClients = (): AwsClients => ({
    sqs: new SQSClient(moto.clientConfig),
    dynamodb: new DynamoDBClient({
      ...moto.clientConfig,
      requestHandler: { httpAgent: dynamoAgent },
    }),
    ec2: new EC2Client(moto.clientConfig),
    ssm: new SSMClient(moto.clientConfig),
  });
  const setup = makeClients();

  await createTables({ client: setup.dynamodb, prefix });
  const queues = await createDeploymentQueues(setup.sqs, prefix, ['small', 'large'], options);
  const network = await createRunnerNetwork(setup.ec2, `${prefix}-runners`);
  await putParameters(setup.ssm, prefix);
  const env = environment(prefix, sim.url, network, options.smallMaxRunners ?? 2);

  const newClients = (): AwsClients => {
    const clients = makeClients();
    for (const client of Object.values(clients)) recordAwsCalls(client, calls);
    return clients;
  };
  const runtime = (more: Partial<LambdaRuntimeOptions> = {}): LambdaRuntimeOptions => ({
    env,
    clients: newClients(),
    logger,
    ...more,
  });
  const deliver: Deployment['deliver'] = async (webhook, event, payload, deliveryId) => {
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/044aadd',
      'x-github-event': event,
      'x-github-delivery': deliveryId ?? randomUUID(),
      'x-hub-signature-256': await signWebhook(WEBHOOK_SECRET, body),
    };
    return webhook(httpApiEvent(headers, body));
  };

  return {
    prefix,
    env,
    queues,
    network,
    calls,
    logger,
    setup,
    newClients,
    webhook: (more) => createWebhookFunction(runtime(more)),
    scaleUp: (more) => createWorkFunction(runtime(more), 'scale-up'),
    tenantManager: (more) => createWorkFunction(runtime(more), 'tenant-manager'),
    reconciler: (more) => createReconcilerFunction(runtime(more)),
    deliver,
    install(webhook, installationId) {
      return deliver(
        webhook,
        'installation',
        installationPayload({ action: 'created', installationId, login: `org-${installationId}` }),
      );
    },
    queueSmallJob(webhook, installationId, jobId) {
      return deliver(
        webhook,
        'workflow_job',
        workflowJobPayload({
          action: 'queued',
          installationId,
          jobId,
          labels: [...SMALL_LABELS],
          repository: `org-${installationId}/app`,
        }),
      );
    },
    async editTenant(installationId, update, values, names) {
      await setup.dynamodb.send(
        new UpdateItemCommand({
          TableName: `${prefix}-tenants`,
          Key: { installation_id: { N: String(installationId) } },
          UpdateExpression: update,
          ExpressionAttributeValues: values,
          ...(names === undefined ? {} : { ExpressionAttributeNames: names }),
        }),
      );
    },
    tierQueue: (tier) => tierQueueName(prefix, tier),
    tenantEventsQueue: () => tenantEventsQueueName(prefix),
    receive: (name, visibilitySeconds) =>
      receiveAll(setup.sqs, queues.url(name), visibilitySeconds),
    async consume(fn, name, messages) {
      const response = await fn(sqsEventOf(messages, name));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      for (const message of messages) {
        if (failed.has(message.MessageId ?? '')) continue;
        await setup.sqs.send(
          new DeleteMessageCommand({
            QueueUrl: queues.url(name),
            ReceiptHandle: message.ReceiptHandle,
          }),
        );
      }
      return response;
    },
    instancesOf: (installationId) =>
      liveInstances(setup.ec2, [
        { Name: 'tag:ghr:tenant_id', Values: [String(installationId)] },
        { Name: 'tag:ghr:environment', Values: [prefix] },
      ]),
  };
}

/** The App's credentials as SecureStrings, the key as base64 as the module's variable takes it. */
async function putParameters(ssm: SSMClient, prefix: string): Promise<void> {
  const values = {
    'app-id': String(APP_ID),
    'private-key': Buffer.from(keys.privateKey).toString('base64'),
    'webhook-secret': WEBHOOK_SECRET,
  };
  for (const [name, value] of Object.entries(values)) {
    await ssm.send(
      new PutParameterCommand({
        Name: `/${prefix}/github/${name}`,
        Value: value,
        Type: 'SecureString',
      }),
    );
  }
}

function environment(
  prefix: string,
  githubUrl: string,
  network: RunnerNetwork,
  smallMaxRunners: number,
): Record<string, string> {
  const launch = { launch_template: network.launchTemplateId, subnet_ids: network.subnetIds };
  return {
    GHR_PREFIX: prefix,
    GHR_TIERS: JSON.stringify({
      small: {
        labels: SMALL_LABELS,
        instance_types: ['t3.medium'],
        max_runners: smallMaxRunners,
        ...launch,
      },
      large: {
        labels: ['self-hosted', 'linux', 'x64', 'large'],
        instance_types: ['t3.xlarge', 'm5.xlarge'],
        max_runners: 10,
        ...launch,
      },
    }),
    GHR_DEFAULT_TIER: 'small',
    GHR_GITHUB_API_URL: githubUrl,
    GHR_APP_ID_PARAMETER: `/${prefix}/github/app-id`,
    GHR_APP_PRIVATE_KEY_PARAMETER: `/${prefix}/github/private-key`,
    GHR_WEBHOOK_SECRET_PARAMETER: `/${prefix}/github/webhook-secret`,
    GHR_ACCOUNT_ID: MOTO_ACCOUNT,
  };
}
