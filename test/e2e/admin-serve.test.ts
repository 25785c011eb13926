import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createMemoryLogger } from '../../src/adapters/telemetry/json-logger.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { EmbeddedControlPlane } from '../../src/embedded/embedded-control-plane.js';
import { startEmbeddedControlPlane } from '../../src/embedded/embedded-control-plane.js';
import { ENV } from '../config/config-fixtures.js';

const TOKEN = 'serve-admin-token-0123456789abcdefghij';
const folders: string[] = [];
const planes: EmbeddedControlPlane[] = [];

afterAll(async () => {
  for (const plane of planes) await plane.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** `ghr serve` in this process on a loopback port, with or without `admin.enabled`. */
async function serve(admin: boolean): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'ghr-admin-serve-'));
  folders.push(folder);
  const file = join(folder, 'ghr.yaml');
  writeFileSync(
    file,
    `environment: admin-test
listen: { host: 127.0.0.1, port: 0 }
storage: { path: ./ghr.sqlite }
github: { api_url: "http://127.0.0.1:9" }
runner: { command: /bin/true }
default_tier: small
tiers:
  small: { labels: [self-hosted, linux, x64, small], max_runners: 2 }
${admin ? 'admin: { enabled: true }\n' : ''}`,
  );
  const config = loadConfig(file, { ...ENV, GHR_ADMIN_TOKEN: TOKEN });
  const plane = await startEmbeddedControlPlane(config, { logger: createMemoryLogger() });
  planes.push(plane);
  return plane.url;
}

describe('ghr serve and the admin API', () => {
  it('serves no admin API unless the configuration enables it', async () => {
    const url = await serve(false);

    const answer = await fetch(`${url}/admin/tenants`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });

    expect(answer.status).toBe(404);
  });

  it('serves it on the webhook port when enabled, to holders of the token only', async () => {
    const url = await serve(true);

    const refused = await fetch(`${url}/admin/tenants`);
    const listed = await fetch(`${url}/admin/tenants`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });

    expect(refused.status).toBe(401);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ tenants: [] });
  });
});
