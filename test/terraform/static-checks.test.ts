import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { EXAMPLE_DIR, MODULE_DIR, ROOT, copyDeploymentTree } from './deployment-tree.js';
import { terraform, terraformEnvironment } from './terraform-cli.js';

const work = mkdtempSync(join(tmpdir(), 'ghr-terraform-static-'));
const env = terraformEnvironment({ workDir: join(work, '.tf') });
copyDeploymentTree(work);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the Terraform code', () => {
  it('is formatted as terraform fmt writes it', async () => {
    const result = await terraform(
      ['fmt', '-check', '-recursive', '-diff', 'modules', 'examples'],
      {
        cwd: ROOT,
        env,
      },
    );

    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);

  it.each([MODULE_DIR, EXAMPLE_DIR])(
    '%s is valid',
    async (dir) => {
      const cwd = join(work, dir);
      const init = await terraform(['init', '-backend=false', '-input=false'], { cwd, env });
      const validate = await terraform(['validate', '-json'], { cwd, env });
      const report = JSON.parse(validate.stdout) as { valid: boolean; diagnostics: unknown[] };

      expect(init.code, init.stderr).toBe(0);
      expect(report.diagnostics).toEqual([]);
      expect(report.valid).toBe(true);
    },
    120_000,
  );
});
