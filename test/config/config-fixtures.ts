import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ValidationError } from '../../src/core/errors.js';

/** Shared by the configuration tests: a real RSA key, a full file, and a temp folder. */
export const RSA_PEM = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

export const WEBHOOK_SECRET = 'hook-$ecret-"quoted"-\\slash';

export const ENV = {
  GITHUB_APP_ID: '123456',
  GITHUB_APP_PRIVATE_KEY: RSA_PEM,
  GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
  GITHUB_WEBHOOK_SECRET_PREVIOUS: 'the-old-one',
};

export const FULL_YAML = `
environment: my-saas
listen: { host: 0.0.0.0, port: 9090 }
storage: { path: ./state/ghr.sqlite }
github:
  api_url: https://ghe.example.test/api/v3/
  runner_group: saas-runners
runner:
  command: ./actions-runner/run.sh
  args: [--once]
  work_dir: ./work
  state_dir: /var/lib/ghr/state
  name_prefix: acme
  shutdown_grace_seconds: 30
  env: { RUNNER_ALLOW_RUNASROOT: "1" }
workers: { concurrency: 8 }
default_tier: small
match_mode: subset
tiers:
  small:
    labels: [self-hosted, linux, x64, small]
    runner_os: linux
    runner_architecture: x64
    instance_types: [local]
    spot: false
    max_runners: 2
  arm-large:
    labels: [self-hosted, Linux, ARM64, large]
    runner_os: linux
    runner_architecture: arm64
    max_runners: 5
`;

/** A folder for configuration files, removed by `cleanUp`. */
export class ConfigFolder {
  readonly path = mkdtempSync(join(tmpdir(), 'ghr-config-'));

  write(name: string, text: string): string {
    const file = join(this.path, name);
    writeFileSync(file, text);
    return file;
  }

  cleanUp(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** The ValidationError that `load` throws; fails the test when it throws nothing or else. */
export function problemsOf(load: () => unknown): ValidationError {
  try {
    load();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
