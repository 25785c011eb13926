import { describe, expect, it } from 'vitest';

import { ValidationError } from '../../src/core/errors.js';
import type { Problem } from '../../src/core/errors.js';
import { readLambdaConfig } from '../../src/lambda/lambda-config.js';

const TIERS = {
  small: {
    labels: ['self-hosted', 'linux', 'x64', 'small'],
    runner_os: 'linux',
    runner_architecture: 'x64',
    instance_types: ['t3.medium'],
    max_runners: 2,
    spot: true,
    launch_template: 'lt-0123456789abcdef0',
    subnet_ids: ['subnet-0a1b2c3d'],
  },
  large: {
    labels: ['self-hosted', 'linux', 'x64', 'large'],
    instance_types: ['t3.xlarge', 'm5.xlarge'],
    max_runners: 10,
    launch_template: { name: 'my-saas-large', version: '$Latest' },
    subnet_ids: ['subnet-0a1b2c3d', 'subnet-0e0f'],
  },
};

const ENV = {
  GHR_PREFIX: 'my-saas',
  GHR_TIERS: JSON.stringify(TIERS),
  GHR_DEFAULT_TIER: 'small',
  GHR_APP_ID_PARAMETER: '/my-saas/github/app-id',
  GHR_APP_PRIVATE_KEY_PARAMETER: '/my-saas/github/private-key',
  GHR_WEBHOOK_SECRET_PARAMETER: '/my-saas/github/webhook-secret',
  GHR_ACCOUNT_ID: '123456789012',
};

function problemsOf(env: Record<string, string | undefined>): Problem[] {
  try {
    readLambdaConfig(env);
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('readLambdaConfig', () => {
  it('reads a complete environment into a frozen configuration', () => {
    const config = readLambdaConfig(ENV);

    expect(config.prefix).toBe('my-saas');
    expect(config.catalog.defaultTier).toBe('small');
    expect(config.catalog.matchMode).toBe('exact');
    expect(config.catalog.tiers.map((t) => [t.name, t.maxRunners, t.spot])).toEqual([
      ['small', 2, true],
      ['large', 10, false],
    ]);
    expect(config.launch).toEqual({
      small: { launchTemplate: { id: 'lt-0123456789abcdef0' }, subnetIds: ['subnet-0a1b2c3d'] },
      large: {
        launchTemplate: { name: 'my-saas-large', version: '$Latest' },
        subnetIds: ['subnet-0a1b2c3d', 'subnet-0e0f'],
      },
    });
    expect(config.githubApiUrl).toBe('https://api.github.com');
    expect(config.runnerNamePrefix).toBe('my-saas');
    expect(config.parameters).toEqual({
      appId: '/my-saas/github/app-id',
      privateKey: '/my-saas/github/private-key',
      webhookSecret: '/my-saas/github/webhook-secret',
      previousWebhookSecret: undefined,
    });
    expect(config).toMatchObject({ partition: 'aws', logLevel: 'info', batchConcurrency: 4 });
    expect(Object.isFrozen(config.launch['small'])).toBe(true);
  });

  it('takes the optional settings when they are set', () => {
    const config = readLambdaConfig({
      ...ENV,
      GHR_MATCH_MODE: 'subset',
      GHR_GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
      GHR_RUNNER_NAME_PREFIX: 'saas',
      GHR_WEBHOOK_SECRET_PREVIOUS_PARAMETER: '/my-saas/github/webhook-secret-old',
      GHR_PARTITION: 'aws-us-gov',
      GHR_LOG_LEVEL: 'debug',
      GHR_BATCH_CONCURRENCY: '8',
    });

    expect(config.catalog.matchMode).toBe('subset');
    expect(config.githubApiUrl).toBe('https://ghe.example.com/api/v3');
    expect(config.runnerNamePrefix).toBe('saas');
    expect(config.parameters.previousWebhookSecret).toBe('/my-saas/github/webhook-secret-old');
    expect(config).toMatchObject({
      partition: 'aws-us-gov',
      logLevel: 'debug',
      batchConcurrency: 8,
    });
  });

  it('reports every missing variable at once, by name', () => {
    const keys = problemsOf({}).map((p) => p.key);

    expect(keys).toEqual(
      expect.arrayContaining([
        'GHR_PREFIX',
        'GHR_TIERS',
        'GHR_DEFAULT_TIER',
        'GHR_APP_ID_PARAMETER',
        'GHR_APP_PRIVATE_KEY_PARAMETER',
        'GHR_WEBHOOK_SECRET_PARAMETER',
        'GHR_ACCOUNT_ID',
      ]),
    );
  });

  it('reports tier problems under GHR_TIERS with the key and value seen, all at once', () => {
    const tiers = {
      small: { ...TIERS.small, max_runners: 0, runner_os: '', colour: 'blue' },
      large: { ...TIERS.large, labels: ['X'], instance_types: ['huge'], subnet_ids: ['sn-1'] },
      broken: { ...TIERS.small, labels: ['x'], launch_template: 42 },
    };

    const problems = problemsOf({
      ...ENV,
      GHR_TIERS: JSON.stringify(tiers),
      GHR_MATCH_MODE: 'any',
    });

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'GHR_TIERS.small.max_runners', value: 0 }),
        expect.objectContaining({ key: 'GHR_TIERS.small.runner_os', value: '' }),
        expect.objectContaining({ key: 'GHR_TIERS.small.colour', value: '<a string>' }),
        expect.objectContaining({
          key: 'GHR_TIERS.broken.labels',
          message: expect.stringContaining('"large" and "broken" have the same label set'),
        }),
        expect.objectContaining({ key: 'GHR_TIERS.large.instance_types', value: ['huge'] }),
        expect.objectContaining({ key: 'GHR_TIERS.broken.launch_template', value: 42 }),
        expect.objectContaining({ key: 'GHR_TIERS.large.subnet_ids', value: ['sn-1'] }),
        expect.objectContaining({ key: 'GHR_MATCH_MODE', value: 'any' }),
      ]),
    );
  });

  it.each([
    ['both an id and a name', { id: 'lt-0123', name: 'small' }],
    ['neither an id nor a name', { version: '$Latest' }],
    ['a version EC2 does not know', { name: 'small', version: 'newest' }],
    ['an empty name', ''],
  ])('refuses a launch template with %s', (_case, template) => {
    const tiers = { small: { ...TIERS.small, launch_template: template } };

    expect(problemsOf({ ...ENV, GHR_TIERS: JSON.stringify(tiers) })).toEqual([
      expect.objectContaining({ key: 'GHR_TIERS.small.launch_template' }),
    ]);
  });

  it('asks for instance types on every tier, since EC2 launches need one', () => {
    const tiers = { small: { ...TIERS.small, instance_types: undefined } };

    const problems = problemsOf({ ...ENV, GHR_TIERS: JSON.stringify(tiers) });

    expect(problems).toEqual([
      expect.objectContaining({ key: 'GHR_TIERS.small.instance_types', value: undefined }),
    ]);
  });

  it.each([
    ['not JSON', '{"small": ', 'must be JSON'],
    ['a list', '[1, 2]', 'must map tier names to settings'],
  ])('refuses GHR_TIERS that is %s', (_case, value, message) => {
    expect(problemsOf({ ...ENV, GHR_TIERS: value })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'GHR_TIERS', message: expect.stringContaining(message) }),
      ]),
    );
  });

  it('refuses a default tier that is not one of the tiers', () => {
    expect(problemsOf({ ...ENV, GHR_DEFAULT_TIER: 'medium' })).toEqual([
      expect.objectContaining({
        key: 'GHR_DEFAULT_TIER',
        value: 'medium',
        message: 'must be one of the tiers (small, large)',
      }),
    ]);
  });

  it.each([
    ['GHR_PREFIX', 'My_SaaS'],
    ['GHR_PREFIX', 'aws-runners'],
    ['GHR_GITHUB_API_URL', 'ftp://github.example.com'],
    ['GHR_APP_ID_PARAMETER', 'app id'],
    ['GHR_ACCOUNT_ID', '1234'],
    ['GHR_PARTITION', 'mars'],
    ['GHR_LOG_LEVEL', 'loud'],
    ['GHR_BATCH_CONCURRENCY', '0'],
    ['GHR_BATCH_CONCURRENCY', 'four'],
  ])('refuses %s=%s, showing the value', (key, value) => {
    expect(problemsOf({ ...ENV, [key]: value })).toEqual(
      expect.arrayContaining([expect.objectContaining({ key, value })]),
    );
  });

  it('never shows the credentials of an API URL', () => {
    const problems = problemsOf({ ...ENV, GHR_GITHUB_API_URL: 'https://me:hunter2@ghe.example' });

    expect(problems).toEqual([
      expect.objectContaining({ key: 'GHR_GITHUB_API_URL', value: 'a URL with credentials' }),
    ]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('asks for a runner name prefix when GHR_PREFIX is too long to be one', () => {
    const prefix = 'a-very-long-deployment-name';

    expect(problemsOf({ ...ENV, GHR_PREFIX: prefix }).map((p) => p.key)).toEqual([
      'GHR_RUNNER_NAME_PREFIX',
    ]);
    expect(
      readLambdaConfig({ ...ENV, GHR_PREFIX: prefix, GHR_RUNNER_NAME_PREFIX: 'vl' }),
    ).toMatchObject({ prefix, runnerNamePrefix: 'vl' });
  });

  it('refuses a tier whose queue name SQS would not take', () => {
    const name = 'x'.repeat(50);
    const tiers = { [name]: { ...TIERS.small } };

    const problems = problemsOf({
      ...ENV,
      GHR_PREFIX: 'p'.repeat(30),
      GHR_RUNNER_NAME_PREFIX: 'p',
      GHR_TIERS: JSON.stringify(tiers),
      GHR_DEFAULT_TIER: name,
    });

    expect(problems).toEqual([
      expect.objectContaining({
        key: `GHR_TIERS.${name}`,
        message: expect.stringContaining('SQS allows 80'),
      }),
    ]);
  });
});
