import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startGitHubSimulator } from '../github-sim/index.js';
import type { GitHubSimulator } from '../github-sim/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FAKE_RUNNER = join(ROOT, 'tools/fake-runner/fake-runner.mjs');
const CLI = join(ROOT, 'src/cli/main.ts');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

export interface StackTier {
  readonly labels: readonly string[];
  readonly max_runners: number;
}

export interface StackOptions {
  readonly tiers?: Readonly<Record<string, StackTier>>;
  readonly defaultTier?: string;
  readonly concurrency?: number;
  /** Keep the data folder after `stop()` (to read the database afterwards). */
  readonly keepData?: boolean;
  /** Called with each JSON log line the control plane prints. */
  readonly onLog?: (line: string) => void;
}

export const DEMO_TIERS: Readonly<Record<string, StackTier>> = {
  small: { labels: ['self-hosted', 'linux', 'x64', 'small'], max_runners: 2 },
  medium: { labels: ['self-hosted', 'linux', 'x64', 'medium'], max_runners: 5 },
  large: { labels: ['self-hosted', 'linux', 'x64', 'large'], max_runners: 10 },
};

/** A GitHub simulator and a real `ghr serve` process wired to it, on loopback. */
export interface Stack {
  readonly sim: GitHubSimulator;
  readonly controlPlaneUrl: string;
  readonly dataDir: string;
  readonly databasePath: string;
  readonly configPath: string;
  /** The environment `serve` ran with (App id, key, webhook secret). */
  readonly env: Readonly<Record<string, string>>;
  /** Stops `serve` with SIGTERM and resolves with its exit code. */
  stopServe(): Promise<number | null>;
  /** Starts `serve` again on the same data and port. */
  restartServe(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const appId = 4242;
  const secret = 'demo-$ecret-"quoted"-\\slash';
  const port = await freePort();
  const controlPlaneUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'ghr-stack-'));

  const sim = await startGitHubSimulator({
    appId,
    appPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    webhook: { url: `${controlPlaneUrl}/webhook`, secret },
  });

  const configPath = join(dataDir, 'ghr.json');
  writeFileSync(
    configPath,
    JSON.stringify(
      {
        environment: 'demo',
        listen: { host: '127.0.0.1', port },
        storage: { path: './ghr.sqlite' },
        github: { api_url: sim.url },
        runner: {
          command: process.execPath,
          args: [FAKE_RUNNER],
          work_dir: './runners',
          name_prefix: 'ghr',
          shutdown_grace_seconds: 2,
        },
        workers: { concurrency: options.concurrency ?? 4 },
        default_tier: options.defaultTier ?? 'small',
        tiers: options.tiers ?? DEMO_TIERS,
      },
      null,
      2,
    ),
  );

  const env = {
    GITHUB_APP_ID: String(appId),
    GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    GITHUB_WEBHOOK_SECRET: secret,
  };
  let serve = await startServe(configPath, env, controlPlaneUrl, options.onLog);

  return {
    sim,
    controlPlaneUrl,
    dataDir,
    databasePath: join(dataDir, 'ghr.sqlite'),
    configPath,
    env,
    stopServe: () => stopProcess(serve),
    async restartServe() {
      serve = await startServe(configPath, env, controlPlaneUrl, options.onLog);
    },
    async stop() {
      await stopProcess(serve);
      await sim.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startServe(
  configPath: string,
  env: Readonly<Record<string, string>>,
  url: string,
  onLog: ((line: string) => void) | undefined,
): Promise<ChildProcess> {
  const child = spawn(TSX, [CLI, 'serve', '--config', configPath], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLog?.(line);
  });

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`ghr serve exited with ${child.exitCode}: ${errors.join('')}`);
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`ghr serve did not become healthy within 30 s: ${errors.join('')}`);
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
    child.kill('SIGTERM');
  });
}

/** A port nobody listens on right now, for a server whose URL must be known in advance. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
