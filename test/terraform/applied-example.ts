import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';

import type { AwsClients } from '../../src/lambda/aws-clients.js';
import type { GitHubSimulator } from '../../tools/github-sim/index.js';
import { startGitHubSimulator } from '../../tools/github-sim/index.js';
import { buildLambdas } from '../../tools/lambda-build/build-lambdas.js';
import type { Moto } from '../support/moto.js';
import { startMoto } from '../support/moto.js';
import { EXAMPLE_DIR, copyDeploymentTree } from './deployment-tree.js';
import { terraform, terraformEnvironment, terraformOk } from './terraform-cli.js';

export const APP_ID = 636_363;

/** The seed's environment name, so the README's commands run here as written. */
export const ENVIRONMENT = 'my-saas';

/** GitHub issues App keys in PKCS#1. */
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});

/** One output as `terraform output -json` gives it. */
export interface TerraformOutput {
  readonly sensitive: boolean;
  readonly type: unknown;
  readonly value: unknown;
}

/** The example, applied to moto, with the GitHub simulator as the App's GitHub. */
export interface AppliedExample {
  readonly moto: Moto;
  readonly sim: GitHubSimulator;
  /** The copy of the repository's Terraform the suite applied. */
  readonly root: string;
  readonly exampleDir: string;
  /** The environment Terraform and the AWS CLI run in: moto only. */
  readonly env: NodeJS.ProcessEnv;
  readonly outputs: Readonly<Record<string, TerraformOutput>>;
  /** SDK clients on moto. */
  readonly clients: AwsClients;
  /** Seconds `terraform apply` took. */
  readonly applySeconds: number;
  /** `aws <args> --output json` against moto, parsed. */
  aws(args: readonly string[]): Promise<unknown>;
  /** Runs a shell command line (a README command) against moto. */
  shell(command: string): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

/**
 * Copies the example and the module, builds the functions into the copy's dist/lambda as
 * `npm run build` does, and applies the example to moto. The copy gets one override file: the
 * provider's emulator settings, the simulator as GitHub's API, and the event source mappings
 * created disabled, since moto would otherwise consume the queues itself.
 */
export async function applyExample(): Promise<AppliedExample> {
  const root = mkdtempSync(join(tmpdir(), 'ghr-terraform-'));
  const exampleDir = join(root, EXAMPLE_DIR);
  let moto: Moto | undefined;
  let sim: GitHubSimulator | undefined;

  try {
    moto = await startMoto();
    sim = await startGitHubSimulator({ appId: APP_ID, appPublicKeyPem: keys.publicKey });
    copyDeploymentTree(root);
    await buildLambdas(join(root, 'dist/lambda'));
    writeEmulatorSettings(exampleDir, sim.url);

    const env = terraformEnvironment({ awsEndpoint: moto.endpoint, workDir: join(root, '.tf') });
    env['PATH'] = `${pinnedAwsCli(root, moto.endpoint)}:${env['PATH'] ?? ''}`;
    await terraformOk(['init', '-input=false'], { cwd: exampleDir, env });
    const started = Date.now();
    await terraformOk(['apply', '-auto-approve', '-input=false', '-parallelism=30'], {
      cwd: exampleDir,
      env,
      timeoutMs: 300_000,
    });
    const applySeconds = (Date.now() - started) / 1000;
    const output = await terraformOk(['output', '-json'], { cwd: exampleDir, env });

    return appliedExample({
      moto,
      sim,
      root,
      exampleDir,
      env,
      outputs: JSON.parse(output.stdout) as Record<string, TerraformOutput>,
      applySeconds,
    });
  } catch (error) {
    await sim?.close();
    await moto?.stop();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

function writeEmulatorSettings(exampleDir: string, githubUrl: string): void {
  writeFileSync(
    join(exampleDir, 'terraform.tfvars.json'),
    JSON.stringify({
      github_app: {
        id: String(APP_ID),
        key_base64: Buffer.from(keys.privateKey).toString('base64'),
      },
      environment: ENVIRONMENT,
    }),
  );
  // Override files merge into the example's own blocks; the example stays as users run it.
  writeFileSync(
    join(exampleDir, 'emulator_override.tf'),
    [
      'provider "aws" {',
      '  skip_credentials_validation = true',
      '  skip_requesting_account_id  = true',
      '  skip_metadata_api_check     = true',
      '}',
      '',
      'module "runners" {',
      `  github_api_url                = ${JSON.stringify(githubUrl)}`,
      '  event_source_mappings_enabled = false',
      '}',
      '',
    ].join('\n'),
  );
}

/**
 * An `aws` ahead of the real one on PATH that always passes `--endpoint-url` to moto. The AWS
 * CLI v1 ignores AWS_ENDPOINT_URL for some services (SQS among them) and would otherwise aim
 * those commands at AWS's own hosts. Returns the directory to put first on PATH.
 */
function pinnedAwsCli(root: string, endpoint: string): string {
  const real = (process.env['PATH'] ?? '')
    .split(':')
    .map((dir) => join(dir, 'aws'))
    .find((path) => existsSync(path));
  if (real === undefined) throw new Error('the README command tests need the AWS CLI on PATH');

  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  const wrapper = join(bin, 'aws');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ${JSON.stringify(real)} --endpoint-url ${JSON.stringify(endpoint)} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return bin;
}

function appliedExample(
  parts: Omit<AppliedExample, 'aws' | 'shell' | 'close' | 'clients'> & { moto: Moto },
): AppliedExample {
  const { moto, sim, root, exampleDir, env } = parts;
  // moto runs TransactWriteItems without isolation; one request at a time is how DynamoDB
  // behaves towards a single caller.
  const dynamoAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const clients: AwsClients = {
    sqs: new SQSClient(moto.clientConfig),
    dynamodb: new DynamoDBClient({
      ...moto.clientConfig,
      requestHandler: { httpAgent: dynamoAgent },
    }),
    ec2: new EC2Client(moto.clientConfig),
    ssm: new SSMClient(moto.clientConfig),
  };

  const shell = (command: string) => run('bash', ['-c', command], exampleDir, env);

  return {
    ...parts,
    clients,
    async aws(args) {
      const result = await run('aws', [...args, '--output', 'json'], exampleDir, env);
      if (result.code !== 0) throw new Error(`aws ${args.join(' ')}: ${result.stderr}`);
      return JSON.parse(result.stdout || 'null');
    },
    shell,
    async close() {
      for (const client of Object.values(clients)) client.destroy();
      dynamoAgent.destroy();
      await sim.close();
      await moto.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Destroys what the apply made; returns Terraform's report. */
export async function destroyExample(applied: AppliedExample): Promise<string> {
  const result = await terraform(['destroy', '-auto-approve', '-input=false', '-parallelism=30'], {
    cwd: applied.exampleDir,
    env: applied.env,
    timeoutMs: 180_000,
  });
  if (result.code !== 0)
    throw new Error(`terraform destroy exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}
