import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { Config } from '../../src/config/load-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigFolder, ENV, FULL_YAML, RSA_PEM, WEBHOOK_SECRET } from './config-fixtures.js';

const folder = new ConfigFolder();
const configDir = folder.path;
const write = (name: string, text: string): string => folder.write(name, text);

afterAll(() => folder.cleanUp());

function expectedFull(): Config {
  return {
    environment: 'my-saas',
    listen: { host: '0.0.0.0', port: 9090 },
    storage: { path: join(configDir, 'state/ghr.sqlite') },
    github: {
      apiUrl: 'https://ghe.example.test/api/v3',
      runnerGroup: 'saas-runners',
      appId: 123456,
      privateKey: RSA_PEM,
      webhookSecret: WEBHOOK_SECRET,
      previousWebhookSecret: 'the-old-one',
    },
    runner: {
      command: join(configDir, 'actions-runner/run.sh'),
      args: ['--once'],
      workDir: join(configDir, 'work'),
      stateDir: '/var/lib/ghr/state',
      namePrefix: 'acme',
      shutdownGraceSeconds: 30,
      env: { RUNNER_ALLOW_RUNASROOT: '1' },
    },
    workers: { concurrency: 8 },
    tiers: {
      tiers: [
        {
          name: 'small',
          labels: ['self-hosted', 'linux', 'x64', 'small'],
          os: 'linux',
          architecture: 'x64',
          instanceTypes: ['local'],
          spot: false,
          maxRunners: 2,
        },
        {
          name: 'arm-large',
          labels: ['self-hosted', 'Linux', 'ARM64', 'large'],
          os: 'linux',
          architecture: 'arm64',
          instanceTypes: [],
          spot: false,
          maxRunners: 5,
        },
      ],
      defaultTier: 'small',
      matchMode: 'subset',
    },
  };
}

describe('loadConfig with a valid file', () => {
  it('reads a full YAML file into the typed object, paths resolved against its folder', () => {
    const config = loadConfig(write('full.yaml', FULL_YAML), ENV);

    expect(config).toEqual(expectedFull());
  });

  it('reads the same settings from JSON', () => {
    const json = {
      environment: 'my-saas',
      listen: { host: '0.0.0.0', port: 9090 },
      storage: { path: './state/ghr.sqlite' },
      github: { api_url: 'https://ghe.example.test/api/v3/', runner_group: 'saas-runners' },
      runner: {
        command: './actions-runner/run.sh',
        args: ['--once'],
        work_dir: './work',
        state_dir: '/var/lib/ghr/state',
        name_prefix: 'acme',
        shutdown_grace_seconds: 30,
        env: { RUNNER_ALLOW_RUNASROOT: '1' },
      },
      workers: { concurrency: 8 },
      default_tier: 'small',
      match_mode: 'subset',
      tiers: {
        small: {
          labels: ['self-hosted', 'linux', 'x64', 'small'],
          runner_os: 'linux',
          runner_architecture: 'x64',
          instance_types: ['local'],
          spot: false,
          max_runners: 2,
        },
        'arm-large': {
          labels: ['self-hosted', 'Linux', 'ARM64', 'large'],
          runner_os: 'linux',
          runner_architecture: 'arm64',
          max_runners: 5,
        },
      },
    };

    const config = loadConfig(write('full.json', JSON.stringify(json, null, 2)), ENV);

    expect(config).toEqual(expectedFull());
  });

  it('fills in the documented defaults and keeps a bare command for PATH lookup', () => {
    const path = write(
      'minimal.yml',
      [
        'environment: dev',
        'runner: { command: podman }',
        'default_tier: small',
        'tiers:',
        '  small: { labels: [self-hosted, linux, x64, small], max_runners: 1 }',
      ].join('\n'),
    );
    const env = { ...ENV, GITHUB_WEBHOOK_SECRET_PREVIOUS: '' };

    const config = loadConfig(path, env);

    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.storage.path).toBe(join(configDir, 'data/ghr.sqlite'));
    expect(config.github.apiUrl).toBe('https://api.github.com');
    expect(config.github.runnerGroup).toBeUndefined();
    expect(config.github.previousWebhookSecret).toBeUndefined();
    expect(config.runner).toEqual({
      command: 'podman',
      args: [],
      workDir: join(configDir, 'data/runners'),
      stateDir: join(configDir, 'data/runner-state'),
      namePrefix: 'ghr',
      shutdownGraceSeconds: 10,
      env: {},
    });
    expect(config.workers.concurrency).toBe(4);
    expect(config.tiers.matchMode).toBe('exact');
    expect(config.tiers.tiers[0]).toMatchObject({ os: 'linux', architecture: 'x64', spot: false });
  });

  it('returns an object frozen all the way down', () => {
    const config = loadConfig(write('frozen.yaml', FULL_YAML), ENV);

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.listen)).toBe(true);
    expect(Object.isFrozen(config.runner.args)).toBe(true);
    expect(Object.isFrozen(config.runner.env)).toBe(true);
    expect(Object.isFrozen(config.tiers.tiers[0]?.labels)).toBe(true);
    expect(() => {
      (config.listen as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('accepts the key as base64 of the PEM, and a PEM written with \\n escapes', () => {
    const path = write('keys.yaml', FULL_YAML);
    const rest = { ...ENV, GITHUB_APP_PRIVATE_KEY: undefined };

    const fromBase64 = loadConfig(path, {
      ...rest,
      GITHUB_APP_KEY_BASE64: Buffer.from(RSA_PEM).toString('base64'),
    });
    const fromEscaped = loadConfig(path, {
      ...rest,
      GITHUB_APP_PRIVATE_KEY: RSA_PEM.trim().replace(/\n/g, '\\n'),
    });

    expect(fromBase64.github.privateKey).toBe(RSA_PEM);
    expect(fromEscaped.github.privateKey).toBe(RSA_PEM);
  });
});
