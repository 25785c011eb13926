import { randomUUID } from 'node:crypto';

import { createDynamoDecisionLog } from '../adapters/aws/dynamodb-decision-log.js';
import { createDynamoStores } from '../adapters/aws/dynamodb-stores.js';
import { Ec2Compute } from '../adapters/aws/ec2-compute.js';
import { SqsWorkQueue } from '../adapters/aws/sqs-work-queue.js';
import { SsmJitHandoff } from '../adapters/aws/ssm-jit-handoff.js';
import { createGitHubApi } from '../adapters/github/octokit-github.js';
import { createJsonLogger } from '../adapters/telemetry/json-logger.js';
import { PrometheusRegistry } from '../adapters/telemetry/prometheus.js';
import type { Environment } from '../config/github-app-secrets.js';
import type { CoreDeps, CoreSettings } from '../core/deps.js';
import type { Clock } from '../core/ports/clock.js';
import type { DeliveryLog } from '../core/ports/delivery-log.js';
import type { DecisionLog } from '../core/ports/decision-log.js';
import type { Ledger } from '../core/ports/ledger.js';
import type { Logger } from '../core/ports/telemetry.js';
import type { TenantStore } from '../core/ports/tenant-store.js';
import type { TierCatalog } from '../core/tier.js';
import type { AppCredentials } from './app-parameters.js';
import type { AwsClients } from './aws-clients.js';
import { CachedTenantStore } from './cached-tenant-store.js';
import { createAwsClients } from './aws-clients.js';
import type { LambdaConfig } from './lambda-config.js';
import { readLambdaConfig } from './lambda-config.js';

/** What a function's entry point may set; the rest comes from the Lambda environment. */
export interface LambdaRuntimeOptions {
  /** The environment variables; `process.env` in Lambda. */
  readonly env: Environment;
  /** SDK clients; made from the environment when not given. */
  readonly clients?: AwsClients;
  /** JSON lines on standard output (CloudWatch Logs) when not given. */
  readonly logger?: Logger;
  readonly clock?: Clock;
}

/** One cold start's configuration, clients, stores and queue: what every function shares. */
export interface AwsRuntime {
  readonly config: LambdaConfig;
  readonly clients: AwsClients;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: PrometheusRegistry;
  readonly tenants: TenantStore;
  readonly ledger: Ledger;
  readonly deliveries: DeliveryLog;
  readonly queue: SqsWorkQueue;
  readonly decisions: DecisionLog;
}

/** What the webhook intake reads and writes: no GitHub, no EC2. */
export interface IntakeDeps {
  readonly catalog: TierCatalog;
  readonly settings: CoreSettings;
  readonly tenants: TenantStore;
  readonly ledger: Ledger;
  readonly deliveries: DeliveryLog;
  readonly queue: SqsWorkQueue;
  readonly decisions: DecisionLog;
  readonly clock: Clock;
  readonly logger: Logger;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * Reads the configuration and makes the clients, stores and queue of one cold start. Throws
 * a ValidationError listing every configuration problem. No AWS call is made here.
 */
export function openAwsRuntime(options: LambdaRuntimeOptions, functionName: string): AwsRuntime {
  const config = readLambdaConfig(options.env);
  const clients = options.clients ?? createAwsClients();
  const clock = options.clock ?? systemClock;
  const logger =
    options.logger ??
    createJsonLogger({
      level: config.logLevel,
      bindings: { function: `${config.prefix}-${functionName}` },
    });

  const stores = createDynamoStores({ client: clients.dynamodb, prefix: config.prefix, clock });
  const queue = new SqsWorkQueue({
    client: clients.sqs,
    prefix: config.prefix,
    tiers: config.catalog.tiers.map((tier) => tier.name),
    logger,
  });

  const decisions = createDynamoDecisionLog({
    client: clients.dynamodb,
    prefix: config.prefix,
    clock,
  });

  return {
    config,
    clients,
    logger,
    clock,
    metrics: new PrometheusRegistry(),
    ...stores,
    queue,
    decisions,
  };
}

export function intakeDeps(runtime: AwsRuntime): IntakeDeps {
  return {
    catalog: runtime.config.catalog,
    settings: coreSettings(runtime.config),
    tenants: runtime.tenants,
    ledger: runtime.ledger,
    deliveries: runtime.deliveries,
    queue: runtime.queue,
    decisions: runtime.decisions,
    clock: runtime.clock,
    logger: runtime.logger,
  };
}

/** Everything the core needs to run work: the intake's part plus GitHub, EC2 and SSM. */
export function coreDeps(runtime: AwsRuntime, app: AppCredentials): CoreDeps {
  const { config, clients, logger } = runtime;
  const handoff = new SsmJitHandoff({ client: clients.ssm, environment: config.prefix });

  return {
    ...intakeDeps(runtime),
    // Workers may launch from a tenant read moments ago: the ledger checks it at the slot take.
    tenants: new CachedTenantStore(runtime.tenants, runtime.clock),
    compute: new Ec2Compute({
      client: clients.ec2,
      environment: config.prefix,
      accountId: config.accountId,
      partition: config.partition,
      tiers: config.launch,
      handoff,
      logger,
    }),
    handoff,
    github: createGitHubApi({
      appId: app.appId,
      privateKeyPem: app.privateKeyPem,
      baseUrl: config.githubApiUrl,
      logger,
      runnerNamePrefix: config.runnerNamePrefix,
    }),
    metrics: runtime.metrics,
    newId: () => randomUUID(),
  };
}

function coreSettings(config: LambdaConfig): CoreSettings {
  return {
    environment: config.prefix,
    runnerNamePrefix: config.runnerNamePrefix,
    workFolder: '_work',
  };
}
