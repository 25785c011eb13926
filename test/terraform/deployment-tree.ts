import { cpSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const MODULE_DIR = 'modules/multi-tenant-runner';
export const EXAMPLE_DIR = 'examples/multi-tenant-runner';
/** The boot script the launch templates carry as user data; the module reads it from here. */
export const BOOT_SCRIPT = 'src/adapters/aws/runner-boot.sh';

/** Local Terraform state and settings that a copy must not take along. */
function isSource(path: string): boolean {
  const name = basename(path);
  return !(
    name === '.terraform' ||
    name === '.terraform.lock.hcl' ||
    name === 'terraform.tfvars' ||
    name.endsWith('_override.tf') ||
    name.includes('.tfstate') ||
    name.endsWith('.tfplan')
  );
}

/**
 * Copies the module, the example and the boot script into `target` with the repository's
 * layout, so the example's relative paths hold, and Terraform's files (lock, state, plugins)
 * land in the copy and never in the repository.
 */
export function copyDeploymentTree(target: string): void {
  for (const dir of [MODULE_DIR, EXAMPLE_DIR]) {
    cpSync(join(ROOT, dir), join(target, dir), { recursive: true, filter: isSource });
  }
  mkdirSync(dirname(join(target, BOOT_SCRIPT)), { recursive: true });
  cpSync(join(ROOT, BOOT_SCRIPT), join(target, BOOT_SCRIPT));
}
