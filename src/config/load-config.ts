import { dirname, isAbsolute, resolve } from 'node:path';

import type { Problem } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';
import { API_URL_RULE, checkApiUrl } from './api-url.js';
import type { Config, GitHubConfig, ListenConfig, RunnerConfig } from './config.js';
import type { Environment, GitHubAppSecrets } from './github-app-secrets.js';
import { readGitHubAppSecrets } from './github-app-secrets.js';
import { readAdmin } from './admin-settings.js';
import { readPricing } from './pricing-settings.js';
import { readConfigFile } from './read-config-file.js';
import { SettingsMap, isPlainMap } from './settings-map.js';
import { readTierCatalog } from './tier-settings.js';

export type { Config } from './config.js';

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
const NAME_RULE = 'must be 1 to 32 lower-case letters, digits and dashes, not starting with a dash';
const PREFIX_PATTERN = /^[a-z0-9][a-z0-9-]{0,19}$/;
const PREFIX_RULE =
  'must be 1 to 20 lower-case letters, digits and dashes, not starting with a dash';
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Loads the `serve` configuration: the file at `path` (YAML or JSON, by extension) and the
 * App's secrets from `env`. Returns one frozen object, or throws one ValidationError that lists
 * every problem, each with its key (a dotted path, or the variable's name) and the value seen.
 */
export function loadConfig(path: string, env: Environment = process.env): Config {
  const file = resolve(path);
  const base = dirname(file);
  const raw = readConfigFile(file);
  const problems: Problem[] = [];

  if (raw !== null && raw !== undefined && !isPlainMap(raw)) {
    problems.push({ key: file, value: raw, message: 'must hold a map of settings at the top' });
  }
  const root = SettingsMap.open(isPlainMap(raw) ? raw : {}, '', problems);

  const environment = root.text('environment', { pattern: NAME_PATTERN, rule: NAME_RULE });
  const listen = readListen(root.child('listen'));
  const storagePath = readStoragePath(root.child('storage'), base);
  const github = readGitHub(root.child('github'), readGitHubAppSecrets(env, problems));
  const runner = readRunner(root.child('runner'), base);
  const concurrency = readConcurrency(root.child('workers'));
  const tiers = readTierCatalog(root, problems);
  const pricing = readPricing(root, tiers);
  const admin = readAdmin(root.child('admin'), env, problems);
  root.close();

  if (problems.length > 0 || tiers === undefined) {
    throw new ValidationError(`configuration ${file}`, problems);
  }
  return deepFreeze({
    environment,
    listen,
    storage: { path: storagePath },
    github,
    runner,
    workers: { concurrency },
    tiers,
    pricing,
    admin,
  });
}

function readListen(listen: SettingsMap): ListenConfig {
  const host = listen.text('host', {
    fallback: '127.0.0.1',
    pattern: /^\S+$/,
    rule: 'must be a host name or address without spaces',
  });
  const port = listen.integer('port', { fallback: 8080, min: 0, max: 65535 });
  listen.close();
  return { host, port };
}

/** The SQLite file, or `:memory:` for a database that lives as long as the process. */
export function readStoragePath(storage: SettingsMap, base: string): string {
  const path = storage.text('path', { fallback: './data/ghr.sqlite' });
  storage.close();
  return path === ':memory:' ? path : resolve(base, path);
}

function readConcurrency(workers: SettingsMap): number {
  const concurrency = workers.integer('concurrency', { fallback: 4, min: 1, max: 64 });
  workers.close();
  return concurrency;
}

function readGitHub(github: SettingsMap, secrets: GitHubAppSecrets): GitHubConfig {
  const apiUrl = github.text('api_url', { fallback: 'https://api.github.com' });
  const runnerGroup = github.optionalText('runner_group');
  const url = readApiUrl(github, apiUrl);
  github.close();
  return { apiUrl: url, runnerGroup, ...secrets };
}

/** GitHub's API root, reported under `github.api_url` when it is not one. */
function readApiUrl(github: SettingsMap, value: string): string {
  if (value === '') return value;

  const checked = checkApiUrl(value);
  if (!checked.ok) {
    github.report('api_url', checked.shown, API_URL_RULE);
    return '';
  }
  return checked.url;
}

function readRunner(runner: SettingsMap, base: string): RunnerConfig {
  const command = runner.text('command');
  const args = runner.textList('args', []);
  const workDir = runner.text('work_dir', { fallback: './data/runners' });
  const stateDir = runner.text('state_dir', { fallback: './data/runner-state' });
  const namePrefix = runner.text('name_prefix', {
    fallback: 'ghr',
    pattern: PREFIX_PATTERN,
    rule: PREFIX_RULE,
  });
  const shutdownGraceSeconds = runner.integer('shutdown_grace_seconds', {
    fallback: 10,
    min: 0,
    max: 3600,
  });
  const env = runner.textMap('env', ENV_NAME_PATTERN, 'must be a valid environment variable name');
  runner.close();

  return {
    command: resolveCommand(command, base),
    args,
    workDir: resolve(base, workDir),
    stateDir: resolve(base, stateDir),
    namePrefix,
    shutdownGraceSeconds,
    env,
  };
}

/** A command with a slash is a path, relative to the file; a bare name is found on `PATH`. */
function resolveCommand(command: string, base: string): string {
  if (command === '' || isAbsolute(command) || !/[/\\]/.test(command)) return command;
  return resolve(base, command);
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;

  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
