import { API_URL_RULE, checkApiUrl } from '../config/api-url.js';
import type { Problem } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';
import type { TierCatalog } from '../core/tier.js';
import type { Ec2TierLaunch } from '../adapters/aws/ec2-tier-launch.js';
import type { LogLevel } from '../adapters/telemetry/json-logger.js';
import { LOG_LEVELS } from '../adapters/telemetry/json-logger.js';
import type { Environment } from '../config/github-app-secrets.js';
import { readLambdaTiers } from './lambda-tier-settings.js';

/** Names of the SSM parameters that hold the App's credentials (SecureStrings). */
export interface AppParameterNames {
  readonly appId: string;
  readonly privateKey: string;
  readonly webhookSecret: string;
  /** The webhook secret being rotated out, still accepted while set. */
  readonly previousWebhookSecret: string | undefined;
}

/**
 * Everything the Lambda functions need, read from their environment and frozen. It holds no
 * secret: only the names of the SSM parameters that do, read at cold start.
 */
export interface LambdaConfig {
  /** Prefix of every name (queues, tables, functions) and the `ghr:environment` tag. */
  readonly prefix: string;
  readonly catalog: TierCatalog;
  /** Per tier: the launch template and subnets of its instances. */
  readonly launch: Readonly<Record<string, Ec2TierLaunch>>;
  /** `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  readonly githubApiUrl: string;
  /** Runner names are `<runnerNamePrefix>-...`; names with it are ours to manage. */
  readonly runnerNamePrefix: string;
  readonly parameters: AppParameterNames;
  /** The account and partition the runner instances run in, for their ARNs. */
  readonly accountId: string;
  readonly partition: string;
  readonly logLevel: LogLevel;
  /** How many records of one SQS batch run at once. */
  readonly batchConcurrency: number;
}

const PREFIX = /^(?!aws|ssm)[a-z0-9][a-z0-9-]{0,31}$/;
const PREFIX_RULE =
  'must be 1 to 32 lower-case letters, digits and dashes, not starting with a dash, "aws" or "ssm"';
const RUNNER_PREFIX = /^[a-z0-9][a-z0-9-]{0,19}$/;
const RUNNER_PREFIX_RULE =
  'must be 1 to 20 lower-case letters, digits and dashes, not starting with a dash';
const PARAMETER = /^[a-zA-Z0-9_.\-/]{1,1011}$/;
const PARAMETER_RULE = 'must be an SSM parameter name (letters, digits, _ . - /)';
const ACCOUNT_ID = /^\d{12}$/;
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];

/**
 * Reads the configuration of the Lambda functions from `env`, the counterpart of the `serve`
 * configuration file. Returns it frozen, or throws one ValidationError that lists every
 * problem, each with its variable and the value seen.
 */
export function readLambdaConfig(env: Environment): LambdaConfig {
  const problems: Problem[] = [];

  const prefix = required(env, 'GHR_PREFIX', problems, PREFIX, PREFIX_RULE);
  const tiers = readLambdaTiers(env, prefix, problems);
  const githubApiUrl = readApiUrl(env, problems);
  const runnerNamePrefix = readRunnerNamePrefix(env, prefix, problems);
  const parameters: AppParameterNames = {
    appId: required(env, 'GHR_APP_ID_PARAMETER', problems, PARAMETER, PARAMETER_RULE),
    privateKey: required(env, 'GHR_APP_PRIVATE_KEY_PARAMETER', problems, PARAMETER, PARAMETER_RULE),
    webhookSecret: required(
      env,
      'GHR_WEBHOOK_SECRET_PARAMETER',
      problems,
      PARAMETER,
      PARAMETER_RULE,
    ),
    previousWebhookSecret: optional(
      env,
      'GHR_WEBHOOK_SECRET_PREVIOUS_PARAMETER',
      problems,
      PARAMETER,
      PARAMETER_RULE,
    ),
  };
  const accountId = required(env, 'GHR_ACCOUNT_ID', problems, ACCOUNT_ID, 'must be 12 digits');
  const partition = oneOf(env, 'GHR_PARTITION', PARTITIONS, 'aws', problems);
  const logLevel = oneOf(env, 'GHR_LOG_LEVEL', LOG_LEVELS, 'info', problems) as LogLevel;
  const batchConcurrency = wholeNumber(env, 'GHR_BATCH_CONCURRENCY', 4, 1, 10, problems);

  if (problems.length > 0 || tiers === undefined) {
    throw new ValidationError('Lambda configuration (environment variables)', problems);
  }
  return deepFreeze({
    prefix,
    catalog: tiers.catalog,
    launch: tiers.launch,
    githubApiUrl,
    runnerNamePrefix,
    parameters,
    accountId,
    partition,
    logLevel,
    batchConcurrency,
  });
}

function required(
  env: Environment,
  name: string,
  problems: Problem[],
  pattern: RegExp,
  rule: string,
): string {
  const value = optional(env, name, problems, pattern, rule);
  if (value !== undefined || env[name]?.trim()) return value ?? '';

  problems.push({ key: name, value: undefined, message: `is required and ${rule}` });
  return '';
}

/** An unset or blank variable is undefined; a set one must follow the rule. */
function optional(
  env: Environment,
  name: string,
  problems: Problem[],
  pattern: RegExp,
  rule: string,
): string | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;

  if (!pattern.test(value)) {
    problems.push({ key: name, value, message: rule });
    return undefined;
  }
  return value;
}

function oneOf(
  env: Environment,
  name: string,
  allowed: readonly string[],
  fallback: string,
  problems: Problem[],
): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;

  if (!allowed.includes(value)) {
    problems.push({ key: name, value, message: `must be one of ${allowed.join(', ')}` });
    return fallback;
  }
  return value;
}

function wholeNumber(
  env: Environment,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: Problem[],
): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;

  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    problems.push({ key: name, value, message: `must be a whole number from ${min} to ${max}` });
    return fallback;
  }
  return number;
}

/** GitHub's API root, without query, credentials or a trailing slash. */
function readApiUrl(env: Environment, problems: Problem[]): string {
  const value = env['GHR_GITHUB_API_URL'];
  if (value === undefined || value.trim() === '') return 'https://api.github.com';

  const checked = checkApiUrl(value);
  if (!checked.ok) {
    problems.push({ key: 'GHR_GITHUB_API_URL', value: checked.shown, message: API_URL_RULE });
    return '';
  }
  return checked.url;
}

/** The prefix itself when it fits GitHub's runner names, so deployments never share names. */
function readRunnerNamePrefix(env: Environment, prefix: string, problems: Problem[]): string {
  const name = 'GHR_RUNNER_NAME_PREFIX';
  const set = optional(env, name, problems, RUNNER_PREFIX, RUNNER_PREFIX_RULE);
  if (set !== undefined || env[name]?.trim()) return set ?? '';
  if (prefix === '' || RUNNER_PREFIX.test(prefix)) return prefix;

  problems.push({
    key: name,
    value: undefined,
    message: `is required when GHR_PREFIX is longer than 20 characters, and ${RUNNER_PREFIX_RULE}`,
  });
  return '';
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;

  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
