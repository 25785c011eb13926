import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { EXAMPLE_DIR, MODULE_DIR, ROOT } from './deployment-tree.js';
import { attributes, oneLine, stringLiteral, topLevelBlocks } from './hcl-blocks.js';
import type { TerraformDocs } from './terraform-docs.js';
import { collectDocs, readDocsSection } from './terraform-docs.js';

const TABLES: (keyof TerraformDocs)[] = [
  'requirements',
  'providers',
  'modules',
  'resources',
  'inputs',
  'outputs',
];

/**
 * terraform-docs is not installed here: the tables are read from the .tf files by
 * `terraform-docs.ts` and compared with the README's. `npx tsx test/terraform/write-docs.ts`
 * rewrites them.
 */
describe.each([MODULE_DIR, EXAMPLE_DIR])('the terraform-docs tables of %s/README.md', (dir) => {
  const code = collectDocs(join(ROOT, dir));
  const readme = readDocsSection(readFileSync(join(ROOT, dir, 'README.md'), 'utf8'));
  const source = (file: string) => readFileSync(join(ROOT, dir, file), 'utf8');

  it.each(TABLES)('lists the %s as the code has them', (table) => {
    expect(readme[table]).toEqual(code[table]);
  });

  it('has a row for every variable and output declared', () => {
    const declared = (file: string, kind: string) =>
      [...source(file).matchAll(new RegExp(`^${kind} "([^"]+)"`, 'gm'))].map((m) => m[1]).sort();

    expect(code.inputs.map((row) => row['Name']).sort()).toEqual(
      declared('variables.tf', 'variable'),
    );
    expect(code.outputs.map((row) => row['Name']).sort()).toEqual(declared('outputs.tf', 'output'));
    expect(code.inputs.length).toBeGreaterThan(0);
  });

  it('types and describes every variable, and describes every output', () => {
    for (const row of code.inputs) {
      expect(row['Description'], `description of ${row['Name']}`).toMatch(/\S.*\.$/);
      expect(row['Type'], `type of ${row['Name']}`).not.toBe('`any`');
    }
    for (const row of code.outputs) {
      expect(row['Description'], `description of ${row['Name']}`).toMatch(/\S.*\.$/);
    }
  });
});

describe('the HCL reading behind the tables', () => {
  const text = [
    'variable "tricky" {',
    '  description = "Braces { in } a string, a \\"quote\\" and $${literal}."',
    '  type = map(object({',
    '    name  = string # a comment',
    '    sizes = list(number)',
    '  }))',
    '  default = {',
    '    a = { name = "x", sizes = [1, 2] }',
    '  }',
    '',
    '  validation {',
    '    condition     = alltrue([for k, v in var.tricky : v.name != "}"])',
    '    error_message = "Names must not be ${"}"}."',
    '  }',
    '}',
    '',
    'locals {',
    '  text = <<-EOT',
    '    resource "not" "a_block" {',
    '  EOT',
    '}',
    '',
    'output "after" {',
    '  value = 1',
    '}',
  ].join('\n');

  it('finds blocks and attributes around strings, comments, heredocs and nested blocks', () => {
    const blocks = topLevelBlocks(text);
    const tricky = attributes(blocks[0]?.body ?? '');

    expect(blocks.map((block) => [block.type, ...block.labels])).toEqual([
      ['variable', 'tricky'],
      ['locals'],
      ['output', 'after'],
    ]);
    expect(stringLiteral(tricky.get('description') ?? '')).toBe(
      'Braces { in } a string, a "quote" and ${literal}.',
    );
    expect(oneLine(tricky.get('type') ?? '')).toBe(
      'map(object({ name = string, sizes = list(number) }))',
    );
    expect(oneLine(tricky.get('default') ?? '')).toBe('{ a = { name = "x", sizes = [1, 2] } }');
    expect([...tricky.keys()]).toEqual(['description', 'type', 'default']);
  });
});
