import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { FAKE_RUNNER, freePort } from '../../tools/demo/stack.js';
import type { GitHubSimulator } from '../../tools/github-sim/index.js';
import { startGitHubSimulator } from '../../tools/github-sim/index.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** The configuration block of the README's "Running it" section, as a user would copy it. */
function readmeConfig(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('Write a configuration file'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README has no configuration block');
  return block.replace(/^ {3}/gm, '');
}

/**
 * Follows the README's "Running it" steps: its config file (pointed at the simulator and a
 * loopback port), its environment variables, `npx ghr config check`, `node bin/ghr.js serve`
 * (the README's way for a supervised service), and a runner command at the path it names.
 */
describe('ghr serve as the README describes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ghr-readme-'));
  let sim: GitHubSimulator | undefined;
  let serve: ChildProcess | undefined;
  afterAll(async () => {
    serve?.kill('SIGKILL');
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates, starts, serves a job, and stops cleanly on SIGTERM', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const port = await freePort();
    const secret = 'readme-webhook-secret';
    sim = await startGitHubSimulator({
      appId: 123456,
      appPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      webhook: { url: `http://127.0.0.1:${port}/webhook`, secret },
    });

    const config = readmeConfig()
      .replace('host: 0.0.0.0, port: 8080', `host: 127.0.0.1, port: ${port}`)
      .replace('https://api.github.com', sim.url);
    expect(config).toContain(`port: ${port}`);
    writeFileSync(join(dir, 'ghr.yaml'), config);
    mkdirSync(join(dir, 'actions-runner'));
    writeFileSync(
      join(dir, 'actions-runner/run.sh'),
      `#!/bin/sh\nexec "${process.execPath}" "${FAKE_RUNNER}"\n`,
    );
    chmodSync(join(dir, 'actions-runner/run.sh'), 0o755);
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      GITHUB_APP_ID: '123456',
      GITHUB_APP_KEY_BASE64: Buffer.from(pem).toString('base64'),
      GITHUB_WEBHOOK_SECRET: secret,
    };
    const npx = (args: string[]) => ['npx', '--prefix', ROOT, 'ghr', ...args];

    const check = spawnSync(
      npx(['config', 'check', 'ghr.yaml'])[0]!,
      npx(['config', 'check', 'ghr.yaml']).slice(1),
      { cwd: dir, env, encoding: 'utf8' },
    );
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain(
      'ghr.yaml: valid; tiers small, medium, large; default tier small',
    );
    expect(check.status).toBe(0);

    // As the README says for a supervised service: the installed bin, so SIGTERM reaches ghr.
    serve = spawn('node', [join(ROOT, 'bin/ghr.js'), 'serve', '--config', 'ghr.yaml'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    serve.stdout?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')));
    await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
    );

    sim.addInstallation({
      id: 77,
      account: { login: 'new-customer', type: 'Organization' },
      repositories: ['app'],
    });
    expect((await sim.sendInstallationEvent('created', 77)).status).toBe(202);
    const { job } = await sim.queueJob({
      installationId: 77,
      repository: 'app',
      labels: ['self-hosted', 'linux', 'x64', 'small'],
    });
    await waitFor(async () => sim?.jobs().find((j) => j.id === job.id)?.status === 'completed');

    const exit = new Promise<number | null>((r) => serve?.once('exit', (code) => r(code)));
    serve.kill('SIGTERM');
    expect(await exit).toBe(0);
    const logs = lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.some((l) => l['msg'] === 'runner launched' && l['tenant_id'] === 77)).toBe(true);
    // SIGTERM reaches ghr itself (npx would not pass it on); the drain shows in its log.
    expect(logs.map((l) => l['msg'])).toContain(
      'control plane stopped; runner processes keep running',
    );
    expect(lines.join('\n')).not.toContain('BEGIN PRIVATE KEY');
  }, 90_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
