import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import type { OperatorConfig } from '../config/operator-config.js';
import { loadOperatorConfig } from '../config/operator-config.js';
import type { Problem } from '../core/errors.js';
import { PlatformError, ValidationError } from '../core/errors.js';
import type { TierCatalog } from '../core/tier.js';
import type { Clock } from '../core/ports/clock.js';
import type { OperatorBackend } from '../operator/operator-backend.js';
import { openSqliteBackend } from '../operator/sqlite-operator-backend.js';
import type { CommandLine, CommandOptions } from './command-line.js';
import { text } from './command-line.js';

/** The flags every operator command takes to say which deployment it works on. */
export const BACKEND_OPTIONS: CommandOptions = {
  config: { type: 'string', short: 'c' },
  db: { type: 'string' },
  aws: { type: 'boolean' },
  prefix: { type: 'string' },
  region: { type: 'string' },
};

export const BACKEND_HELP = `Backend:
  --config <file>   the serve configuration: its storage.path, tiers and pricing
  --db <path>       the SQLite database, instead of the one --config names
  --aws             the AWS backend: DynamoDB tables <prefix>-tenants and <prefix>-ledger
  --prefix <name>   the deployment prefix (or GHR_PREFIX)
  --region <name>   the AWS region (or AWS_REGION); AWS_ENDPOINT_URL points at another endpoint
                    With --aws, tiers come from --config or from GHR_TIERS as the functions have it.`;

const PREFIX_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export interface BackendContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly progress: (message: string) => void;
}

/**
 * Opens the backend the flags name. Every flag is checked before anything is opened, and a
 * database that does not exist is refused rather than created empty.
 */
export async function openBackend(
  line: CommandLine,
  context: BackendContext,
): Promise<OperatorBackend> {
  const configPath = text(line, 'config');
  const config = configPath === undefined ? undefined : loadOperatorConfig(configPath);
  const db = text(line, 'db');
  if (line.values['aws'] === true) {
    if (db !== undefined) throw usage('--db', db, 'cannot be used with --aws');
    return openAws(line, context, config);
  }

  if (db === undefined && config === undefined) {
    throw usage('--config', undefined, 'or --db is required: which deployment to work on');
  }
  const path = db === undefined ? (config as OperatorConfig).storagePath : resolve(db);
  const flag = db === undefined ? 'storage.path' : '--db';
  if (path === ':memory:') {
    throw usage(flag, path, 'must be a database file: an in-memory database has nothing to show');
  }
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw usage(flag, path, 'must be an existing database file written by ghr serve');
  }

  return openSqliteBackend({
    path,
    catalog: config?.tiers,
    pricing: config?.pricing,
    clock: context.clock,
    progress: context.progress,
  });
}

async function openAws(
  line: CommandLine,
  context: BackendContext,
  config: OperatorConfig | undefined,
): Promise<OperatorBackend> {
  const { env } = context;
  const prefix = text(line, 'prefix') ?? env['GHR_PREFIX'];
  const prefixFlag = text(line, 'prefix') === undefined ? 'GHR_PREFIX' : '--prefix';
  if (prefix === undefined || !PREFIX_PATTERN.test(prefix)) {
    throw usage(
      prefixFlag,
      prefix,
      'must be the deployment prefix: letters, digits, "_", "-", "."',
    );
  }
  const region = text(line, 'region') ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  if (region === undefined || !REGION_PATTERN.test(region)) {
    const flag = text(line, 'region') === undefined ? 'AWS_REGION' : '--region';
    throw usage(flag, region, 'must be an AWS region, such as eu-west-1');
  }
  const catalog = config?.tiers ?? (await lambdaTiers(env, prefix));

  const { openDynamoBackend } = await import('../operator/dynamo-operator-backend.js');
  const endpoint = env['AWS_ENDPOINT_URL'];
  const dynamodbEndpoint = env['AWS_ENDPOINT_URL_DYNAMODB'] ?? endpoint;
  const sqsEndpoint = env['AWS_ENDPOINT_URL_SQS'] ?? endpoint;
  const keyId = env['AWS_ACCESS_KEY_ID'];
  const secret = env['AWS_SECRET_ACCESS_KEY'];
  const token = env['AWS_SESSION_TOKEN'];
  return openDynamoBackend({
    prefix,
    region,
    ...(dynamodbEndpoint === undefined ? {} : { dynamodbEndpoint }),
    ...(sqsEndpoint === undefined ? {} : { sqsEndpoint }),
    ...(keyId === undefined || secret === undefined
      ? {}
      : {
          credentials: {
            accessKeyId: keyId,
            secretAccessKey: secret,
            ...(token === undefined ? {} : { sessionToken: token }),
          },
        }),
    catalog,
    pricing: config?.pricing,
    clock: context.clock,
    progress: context.progress,
  });
}

/**
 * The tiers as the AWS functions read them, when `GHR_TIERS` is set. Loaded only here, so
 * the SQLite commands never load the AWS SDK.
 */
async function lambdaTiers(
  env: Readonly<Record<string, string | undefined>>,
  prefix: string,
): Promise<TierCatalog | undefined> {
  if (env['GHR_TIERS'] === undefined) return undefined;

  const { readLambdaTiers } = await import('../lambda/lambda-tier-settings.js');
  const problems: Problem[] = [];
  const tiers = readLambdaTiers(env, prefix, problems);
  if (tiers === undefined) throw new ValidationError('GHR_TIERS', problems);
  return tiers.catalog;
}

function usage(flag: string, value: unknown, rule: string): PlatformError {
  const seen = value === undefined ? 'nothing' : JSON.stringify(value);
  return new PlatformError('invalid_input', `${flag} ${rule} (got ${seen})`, {
    details: { field: flag, value },
  });
}
