/**
 * Rewrites the terraform-docs section of the module's and the example's README from their .tf
 * files, as terraform-docs would: `npx tsx test/terraform/write-docs.ts`. The docs test fails
 * until the tables match the code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { EXAMPLE_DIR, MODULE_DIR, ROOT } from './deployment-tree.js';
import { BEGIN_MARKER, END_MARKER, collectDocs, renderDocs } from './terraform-docs.js';

for (const dir of [MODULE_DIR, EXAMPLE_DIR]) {
  const path = join(ROOT, dir, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end < start) throw new Error(`${path} has no ${BEGIN_MARKER} section`);

  const tables = renderDocs(collectDocs(join(ROOT, dir)));
  writeFileSync(
    path,
    `${readme.slice(0, start + BEGIN_MARKER.length)}\n${tables}${readme.slice(end)}`,
  );
  console.log(`wrote the tables of ${dir}/README.md`);
}
