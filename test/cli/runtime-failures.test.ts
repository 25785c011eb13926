import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ghr } from './cli-harness.js';

const folder = mkdtempSync(join(tmpdir(), 'ghr-ops-fail-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('a backend that fails', () => {
  it('exits 1 when the database file is not a database', async () => {
    const path = join(folder, 'not-a-database.sqlite');
    writeFileSync(path, 'these are not the pages of an SQLite file, '.repeat(200));

    const result = await ghr(['tenants', 'list', '--db', path]);

    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain(path);
  });

  it('exits 1 when DynamoDB cannot be reached', async () => {
    // Nothing listens on port 9 of loopback, so the connection is refused at once.
    const env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    };

    const result = await ghr(['tenants', 'list', '--aws', '--prefix', 'nowhere'], { env });

    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain('nowhere-tenants');
  });
});
