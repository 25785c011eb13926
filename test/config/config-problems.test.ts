import { generateKeyPairSync } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.js';
import {
  ConfigFolder,
  ENV,
  FULL_YAML,
  RSA_PEM,
  WEBHOOK_SECRET,
  problemsOf,
} from './config-fixtures.js';

const folder = new ConfigFolder();
const write = (name: string, text: string): string => folder.write(name, text);

afterAll(() => folder.cleanUp());

const MANY_MISTAKES = `
environment: my-saas
listen: { host: 127.0.0.1, port: 70000, hots: localhost }
workerz: { concurrency: 4 }
runner:
  command: ./run.sh
  shutdown_grace_seconds: 5
default_tier: huge
tiers:
  empty:
    labels: []
    max_runners: 1
  small:
    labels: [self-hosted, linux, x64, small]
    max_runners: 2
  small-again:
    labels: [Self-Hosted, Linux, X64, Small]
    max_runners: 2
  negative:
    labels: [self-hosted, linux, x64, negative]
    runner_os: ""
    max_runners: -1
`;

describe('loadConfig with mistakes', () => {
  it('reports every problem at once, each with its key and the value seen', () => {
    const env = { GITHUB_APP_KEY_BASE64: Buffer.from('hello, not a key').toString('base64') };

    const error = problemsOf(() => loadConfig(write('mistakes.yaml', MANY_MISTAKES), env));

    expect(error.problems.map((p) => p.key).sort()).toEqual(
      [
        'listen.port',
        'listen.hots',
        'workerz',
        'tiers.empty.labels',
        'tiers.small-again.labels',
        'tiers.negative.runner_os',
        'tiers.negative.max_runners',
        'default_tier',
        'GITHUB_APP_ID',
        'GITHUB_APP_KEY_BASE64',
        'GITHUB_WEBHOOK_SECRET',
      ].sort(),
    );
    const byKey = new Map(error.problems.map((p) => [p.key, p]));
    expect(byKey.get('listen.port')?.value).toBe(70000);
    expect(byKey.get('listen.hots')?.message).toMatch(/^unknown key/);
    expect(byKey.get('workerz')?.message).toMatch(/^unknown key/);
    expect(byKey.get('tiers.empty.labels')?.value).toEqual([]);
    expect(byKey.get('tiers.small-again.labels')?.message).toContain('"small" and "small-again"');
    expect(byKey.get('tiers.negative.max_runners')?.value).toBe(-1);
    expect(byKey.get('default_tier')?.value).toBe('huge');
    expect(byKey.get('GITHUB_APP_ID')?.value).toBe('not set');
    expect(byKey.get('GITHUB_APP_KEY_BASE64')?.value).toBe('not a PEM');
    expect(byKey.get('GITHUB_WEBHOOK_SECRET')?.value).toBe('not set');
    expect(error.code).toBe('invalid_config');
    for (const problem of error.problems) expect(error.message).toContain(`- ${problem.key}:`);
  });

  it.each([
    ['a port that is not a number', 'listen: { port: "80" }', 'listen.port'],
    ['concurrency above 64', 'workers: { concurrency: 65 }', 'workers.concurrency'],
    ['a non-http API URL', 'github: { api_url: "ftp://ghe.example.test" }', 'github.api_url'],
    [
      'an unknown tier key',
      'tiers: { small: { labels: [a], max_runners: 1, spto: true } }',
      'tiers.small.spto',
    ],
    ['a tier that is not a map', 'tiers: { small: [a, b] }', 'tiers.small'],
    ['tiers given as a list', 'tiers: [small]', 'tiers'],
    [
      'an invalid tier name',
      'tiers: { Small_Tier: { labels: [a], max_runners: 1 } }',
      'tiers.Small_Tier',
    ],
    ['an unknown match mode', 'match_mode: fuzzy', 'match_mode'],
    [
      'a bad environment variable name',
      'runner: { command: x, env: { "1BAD": y } }',
      'runner.env.1BAD',
    ],
  ])('names the key for %s', (_case, line, key) => {
    const text = [
      'environment: dev',
      'runner: { command: ./run.sh }',
      'default_tier: small',
      'tiers: { small: { labels: [self-hosted, small], max_runners: 1 } }',
    ]
      .filter((base) => base.split(':')[0] !== line.split(':')[0])
      .concat(line)
      .join('\n');

    const error = problemsOf(() => loadConfig(write('one-mistake.yaml', text), ENV));

    expect(error.problems.map((p) => p.key)).toContain(key);
  });

  it('reports a missing environment and runner command as required', () => {
    const error = problemsOf(() => loadConfig(write('empty.yaml', ''), ENV));

    const keys = error.problems.map((p) => p.key);
    expect(keys).toEqual(expect.arrayContaining(['environment', 'runner.command', 'tiers']));
    expect(error.problems.find((p) => p.key === 'environment')?.message).toBe('is required');
  });

  it('refuses both key variables at once', () => {
    const env = { ...ENV, GITHUB_APP_KEY_BASE64: Buffer.from(RSA_PEM).toString('base64') };

    const error = problemsOf(() => loadConfig(write('both.yaml', FULL_YAML), env));

    expect(error.problems).toEqual([
      expect.objectContaining({ key: 'GITHUB_APP_PRIVATE_KEY', value: 'set' }),
    ]);
  });

  it('refuses a private key that is not RSA', () => {
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;

    const error = problemsOf(() =>
      loadConfig(write('ec.yaml', FULL_YAML), { ...ENV, GITHUB_APP_PRIVATE_KEY: ec }),
    );

    expect(error.problems).toEqual([
      expect.objectContaining({ key: 'GITHUB_APP_PRIVATE_KEY', value: 'set' }),
    ]);
  });
});

describe('loadConfig and secrets', () => {
  const pemBody = RSA_PEM.split('\n')[3] ?? '';
  const garbageKey = 'garbage-that-is-secret-anyway-0123456789';

  it.each([
    ['a valid PEM beside other mistakes', { ...ENV, GITHUB_APP_ID: 'x' }, [pemBody]],
    ['a PEM that does not parse', { ...ENV, GITHUB_APP_PRIVATE_KEY: garbageKey }, [garbageKey]],
    [
      'base64 that is not a PEM',
      {
        ...ENV,
        GITHUB_APP_PRIVATE_KEY: undefined,
        GITHUB_APP_KEY_BASE64: Buffer.from(garbageKey).toString('base64'),
      },
      [garbageKey, Buffer.from(garbageKey).toString('base64')],
    ],
    ['a key pasted into GITHUB_APP_ID', { ...ENV, GITHUB_APP_ID: RSA_PEM }, [pemBody]],
  ])('never shows the secret values: %s', (_case, env, hidden) => {
    const path = write('secrets.yaml', FULL_YAML.replace('port: 9090', 'port: -1'));

    const error = problemsOf(() => loadConfig(path, env));

    expect(error.problems.length).toBeGreaterThan(0);
    for (const secret of [...hidden, WEBHOOK_SECRET, 'the-old-one']) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error.problems)).not.toContain(secret);
    }
  });

  it('does not show credentials written into the API URL', () => {
    const text = FULL_YAML.replace(
      'https://ghe.example.test/api/v3/',
      'https://admin:hunter2@ghe.example.test/api/v3',
    );

    const error = problemsOf(() => loadConfig(write('url.yaml', text), ENV));

    expect(error.problems.map((p) => p.key)).toEqual(['github.api_url']);
    expect(error.message).not.toContain('hunter2');
  });
});
