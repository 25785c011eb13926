import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SqliteWorld } from './cli-harness.js';
import { sqliteWorld } from './cli-harness.js';

const BIN = join(import.meta.dirname, '../../bin/ghr.js');

/** Runs `bin/ghr.js` as a child process, as a script would, with no App secrets around. */
async function bin(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { PATH: process.env['PATH'] ?? '' };
  return promisify(execFile)(process.execPath, [BIN, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout, err: stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      out: error.stdout,
      err: error.stderr,
    }),
  );
}

describe('bin/ghr.js', () => {
  let world: SqliteWorld;
  beforeAll(async () => {
    world = await sqliteWorld();
  });
  afterAll(() => world.remove());

  it('lists tenants as JSON a script can parse, exit 0', async () => {
    const result = await bin(['tenants', 'list', '-o', 'json', ...world.flags]);

    expect(result.code).toBe(0);
    const ids = (JSON.parse(result.out) as { tenants: { installation_id: number }[] }).tenants;
    expect(ids.map((t) => t.installation_id)).toEqual([101, 202, 303]);
  });

  it('exits 2 for an unknown tenant, with the reason on stderr only', async () => {
    const result = await bin(['tenants', 'suspend', '4242', ...world.flags]);

    expect(result).toEqual({
      code: 2,
      out: '',
      err: `ghr tenants suspend: no tenant has installation id 4242 in the database ${world.dbPath}\n`,
    });
  });

  it('exits 2 when no backend is named', async () => {
    const result = await bin(['queues']);

    expect(result.code).toBe(2);
    expect(result.err).toContain('--config');
  });

  it('prints help for a subcommand, exit 0', async () => {
    const result = await bin(['usage', '--help']);

    expect(result.code).toBe(0);
    expect(result.out).toContain('Usage: ghr usage');
    expect(result.out).toContain('--charge-idle');
  });
});
