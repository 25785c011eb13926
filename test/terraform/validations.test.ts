import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Moto } from '../support/moto.js';
import { startMoto } from '../support/moto.js';
import { EXAMPLE_DIR, MODULE_DIR, ROOT, copyDeploymentTree } from './deployment-tree.js';
import { codeBlocks, section } from './readme-commands.js';
import { terraform, terraformEnvironment, terraformOk } from './terraform-cli.js';

const exampleReadme = readFileSync(join(ROOT, EXAMPLE_DIR, 'README.md'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'ghr-terraform-validations-'));
const fixture = join(work, 'fixture');
let moto: Moto | undefined;
let env: NodeJS.ProcessEnv = {};

const key = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

type Tier = {
  runner_os: string;
  runner_architecture: string;
  instance_types: string[];
  max_runners: number;
  labels: string[];
};

const tier = (name: string, overrides: Partial<Tier> = {}): Tier => ({
  runner_os: 'linux',
  runner_architecture: 'x64',
  instance_types: ['t3.medium'],
  max_runners: 2,
  labels: ['self-hosted', 'linux', 'x64', name],
  ...overrides,
});

/** Inputs the module accepts; each case below breaks one rule of them. */
function inputs(): Record<string, unknown> {
  return {
    prefix: 'val',
    github_app: { id: '123456', key_base64: Buffer.from(key).toString('base64') },
    default_tenant_tier: 'small',
    runner_tiers: { small: tier('small'), large: tier('large', { max_runners: 10 }) },
    vpc_id: 'vpc-0123456789abcdef0',
    subnet_ids: ['subnet-0123456789abcdef0'],
    lambda_zips: {
      webhook: 'webhook.zip',
      scale_up: 'scale-up.zip',
      tenant_manager: 'tenant-manager.zip',
      reconciler: 'reconciler.zip',
    },
  };
}

interface Diagnostic {
  readonly severity: string;
  readonly detail?: string;
  readonly snippet?: { readonly context?: string | null };
}

/** A key whose value is HCL written into the module block as it is, such as a README's. */
const VERBATIM = '#verbatim';

/** The inputs with the tiers and default tier of a README's HCL block instead. */
function withReadmeTiers(title: string): Record<string, unknown> {
  const block = codeBlocks(section(exampleReadme, title)).find((b) => b.language === 'hcl');
  const hcl = block?.code ?? '';
  const values = inputs();
  delete values['runner_tiers'];
  if (/^default_tenant_tier\s*=/m.test(hcl)) delete values['default_tenant_tier'];
  else values['default_tenant_tier'] = /^\s+"?([a-z0-9-]+)"?\s*=\s*\{/m.exec(hcl)?.[1];
  return { ...values, [VERBATIM]: hcl };
}

/**
 * A root module calling ours once per entry of `calls`. Values are written as JSON, which is
 * also HCL (objects may use ":"), so Terraform can name the call each error is about.
 */
function writeFixture(calls: Record<string, Record<string, unknown>>): void {
  const blocks = Object.entries(calls).map(([name, values]) =>
    [
      `module "${name}" {`,
      `  source = "../${MODULE_DIR}"`,
      ...Object.entries(values).map(([key, value]) =>
        key === VERBATIM ? String(value) : `  ${key} = ${JSON.stringify(value)}`,
      ),
      '}',
    ].join('\n'),
  );
  writeFileSync(
    join(fixture, 'main.tf'),
    [
      'provider "aws" {',
      '  region                      = "us-east-1"',
      '  skip_credentials_validation = true',
      '  skip_requesting_account_id  = true',
      '  skip_metadata_api_check     = true',
      '}',
      ...blocks,
      '',
    ].join('\n'),
  );
}

/** The error details Terraform reported, by the module call they are about. */
function errorsByCall(diagnostics: readonly Diagnostic[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity !== 'error') continue;
    const call = /^module "([^"]+)"/.exec(diagnostic.snippet?.context ?? '')?.[1] ?? '';
    // Terraform wraps long messages; compare them as one line.
    const detail = (diagnostic.detail ?? '').replace(/\s+/g, ' ');
    found.set(call, [...(found.get(call) ?? []), detail]);
  }
  return found;
}

async function validateCalls(calls: Record<string, Record<string, unknown>>) {
  writeFixture(calls);
  await terraformOk(['init', '-backend=false', '-input=false'], { cwd: fixture, env });
  const result = await terraform(['validate', '-json'], { cwd: fixture, env });
  return errorsByCall((JSON.parse(result.stdout) as { diagnostics: Diagnostic[] }).diagnostics);
}

async function planCalls(calls: Record<string, Record<string, unknown>>) {
  writeFixture(calls);
  await terraformOk(['init', '-backend=false', '-input=false'], { cwd: fixture, env });
  const result = await terraform(['plan', '-json', '-input=false', '-detailed-exitcode'], {
    cwd: fixture,
    env,
  });
  const messages = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map(
      (line) =>
        JSON.parse(line) as {
          type: string;
          diagnostic?: Diagnostic;
          change?: { resource?: { addr?: string } };
        },
    );
  const diagnostics = messages.flatMap((line) =>
    line.type === 'diagnostic' && line.diagnostic ? [line.diagnostic] : [],
  );
  const planned = messages.flatMap((line) =>
    line.type === 'planned_change' && line.change?.resource?.addr
      ? [line.change.resource.addr]
      : [],
  );
  return { code: result.code, errors: errorsByCall(diagnostics), planned };
}

const CASES: [string, (values: Record<string, unknown>) => void, string][] = [
  [
    'a default_tenant_tier that is not a tier',
    (values) => (values['default_tenant_tier'] = 'huge'),
    'The default_tenant_tier must be one of the runner tiers (large, small); got "huge".',
  ],
  [
    'a max_runners of 0',
    (values) => (values['runner_tiers'] = { small: tier('small', { max_runners: 0 }) }),
    "Every tier's max_runners must be a whole number of at least 1.",
  ],
  [
    'two tiers whose label sets differ only in case and order',
    (values) =>
      (values['runner_tiers'] = {
        small: tier('small'),
        tiny: tier('tiny', { labels: ['SMALL', 'x64', 'Linux', 'self-hosted'] }),
      }),
    'No two tiers may have the same label set (labels compare case-insensitively), or a job could not tell them apart; these tiers share one: small, tiny.',
  ],
  [
    'a tier without labels',
    (values) => (values['runner_tiers'] = { small: tier('small', { labels: [] }) }),
    'Every tier needs 1 to 100 labels, none of them blank.',
  ],
  [
    'a tier with 101 labels',
    (values) =>
      (values['runner_tiers'] = {
        small: tier('small', { labels: Array.from({ length: 101 }, (_, i) => `l${i}`) }),
      }),
    'Every tier needs 1 to 100 labels, none of them blank.',
  ],
  [
    'a tier name with capitals',
    (values) => (values['runner_tiers'] = { Small: tier('small') }),
    'Tier names must be 1 to 63 lower-case letters, digits and dashes',
  ],
  [
    'a tier whose queue name would pass 80 characters',
    (values) => {
      const name = `t${'x'.repeat(62)}`;
      values['runner_tiers'] = { [name]: tier(name) };
      values['default_tenant_tier'] = name;
      values['prefix'] = 'a-twenty-char-prefix';
    },
    "The queue name <prefix>-<tier>-builds-dlq must fit SQS's 80 characters",
  ],
  [
    'a log retention CloudWatch does not offer',
    (values) => (values['log_retention_in_days'] = 2),
    'The log_retention_in_days must be one CloudWatch allows',
  ],
  [
    'a prefix starting with "aws"',
    (values) => (values['prefix'] = 'aws-runners'),
    'The prefix must be 1 to 20 lower-case letters, digits and dashes',
  ],
  [
    'GitHub over plain http to another host',
    (values) => (values['github_api_url'] = 'http://github.example.com/api/v3'),
    'The github_api_url must be an https URL without query or credentials',
  ],
];

/** What Terraform said about each case, and about the inputs the cases start from. */
const reported = new Map<string, string[]>();
let validPlanCode = -1;
let plannedValid: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  env = terraformEnvironment({ awsEndpoint: moto.endpoint, workDir: join(work, '.tf') });
  copyDeploymentTree(work);
  mkdirSync(fixture);
  // Plan hashes the bundles; any bytes do.
  for (const zip of Object.values(inputs()['lambda_zips'] as Record<string, string>)) {
    writeFileSync(join(fixture, zip), 'not a real bundle');
  }

  const calls = Object.fromEntries(
    CASES.map(([, breakRule], index) => {
      const values = inputs();
      breakRule(values);
      return [`case_${index}`, values];
    }),
  );

  // validate checks each variable on its own; the rules that read another variable (the
  // default tier among the tiers, the queue names) are left to plan, which checks them before
  // it reads or makes anything.
  const validated = await validateCalls(calls);
  const left = Object.fromEntries(Object.entries(calls).filter(([name]) => !validated.has(name)));
  const planned = await planCalls(left);
  for (const [name, details] of [...validated, ...planned.errors]) reported.set(name, details);

  const valid = await planCalls({
    valid: inputs(),
    custom_tiers: withReadmeTiers('Custom Tiers'),
    arm64_tiers: withReadmeTiers('ARM64 Runners'),
  });
  validPlanCode = valid.code;
  plannedValid = valid.planned;
  for (const [name, details] of valid.errors) reported.set(name || 'valid', details);
}, 180_000);

afterAll(async () => {
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the module refuses bad inputs before anything is made', () => {
  it("plans the inputs the cases start from, and the example README's custom and ARM64 tiers", () => {
    expect(reported.get('valid')).toBeUndefined();
    expect(reported.get('custom_tiers')).toBeUndefined();
    expect(reported.get('arm64_tiers')).toBeUndefined();
    expect(reported.get('')).toBeUndefined();
    expect(validPlanCode).toBe(2);
    for (const queue of ['starter', 'pro', 'enterprise']) {
      expect(plannedValid).toContain(`module.custom_tiers.aws_sqs_queue.work["${queue}"]`);
    }
    expect(plannedValid).toContain('module.arm64_tiers.aws_launch_template.tier["arm64-medium"]');
  });

  it.each(CASES.map(([name, , message], index) => ({ name, message, call: `case_${index}` })))(
    'refuses $name',
    ({ call, message }) => {
      expect(reported.get(call)?.join('\n')).toContain(message);
    },
  );
});
