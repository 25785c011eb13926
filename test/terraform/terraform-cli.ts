import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a machine may keep its copy of the hashicorp/aws provider; CI's image has /opt/tf-plugins. */
const MIRROR_CANDIDATES = [
  process.env['TF_PROVIDER_MIRROR'],
  '/opt/tf-plugins',
  '/usr/share/terraform/plugins',
  '/usr/local/share/terraform/plugins',
].filter((dir): dir is string => dir !== undefined && dir !== '');

/** A loopback port nothing listens on: any AWS call that slips through is refused on this host. */
const NOWHERE = 'http://127.0.0.1:9';

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TerraformSettings {
  /** Where moto listens; AWS calls go nowhere when not given. */
  readonly awsEndpoint?: string;
  /** A directory of the test's own for the CLI configuration, plugin data and HOME. */
  readonly workDir: string;
}

/**
 * Finds the filesystem mirror holding the hashicorp/aws provider: the directory that contains
 * `registry.terraform.io/hashicorp/aws/<version>/<os_arch>/terraform-provider-aws_*`.
 */
export function findProviderMirror(): string {
  for (const root of MIRROR_CANDIDATES) {
    const provider = join(root, 'registry.terraform.io', 'hashicorp', 'aws');
    if (existsSync(provider) && containsProviderBinary(provider, 3)) return root;
  }
  throw new Error(
    `no hashicorp/aws provider mirror found under ${MIRROR_CANDIDATES.join(', ')}; the Terraform tests need one`,
  );
}

function containsProviderBinary(dir: string, depth: number): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.startsWith('terraform-provider-aws')) return true;
    if (
      entry.isDirectory() &&
      depth > 0 &&
      containsProviderBinary(join(dir, entry.name), depth - 1)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The environment Terraform runs in: providers only from the mirror (no registry, no
 * checkpoint calls), dummy credentials, the metadata service switched off, and every AWS
 * endpoint on loopback. Nothing of the caller's AWS settings is passed on.
 */
export function terraformEnvironment(settings: TerraformSettings): NodeJS.ProcessEnv {
  const home = join(settings.workDir, 'home');
  mkdirSync(home, { recursive: true });
  const cliConfig = join(settings.workDir, 'terraform.rc');
  writeFileSync(
    cliConfig,
    [
      'disable_checkpoint = true',
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(findProviderMirror())}`,
      '    include = ["registry.terraform.io/hashicorp/aws"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );

  return {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_ENDPOINT_URL: settings.awsEndpoint ?? NOWHERE,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** Runs `terraform <args> -no-color` in `cwd`; fails after `timeoutMs`, killing it. */
export function terraform(
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly timeoutMs?: number },
): Promise<TerraformResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;

  return new Promise((resolve, reject) => {
    const child = spawn('terraform', [...args, '-no-color'], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`terraform ${args.join(' ')} in ${options.cwd} ran over ${timeoutMs} ms`));
    }, timeoutMs);
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

/** Like {@link terraform}, but throws with Terraform's output unless it exits 0. */
export async function terraformOk(
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly timeoutMs?: number },
): Promise<TerraformResult> {
  const result = await terraform(args, options);
  if (result.code !== 0) {
    throw new Error(
      `terraform ${args.join(' ')} exited ${result.code} in ${options.cwd}:\n${result.stderr}\n${result.stdout.slice(-4000)}`,
    );
  }
  return result;
}
