import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { attributes, nestedBlocks, oneLine, stringLiteral, topLevelBlocks } from './hcl-blocks.js';

/**
 * The terraform-docs tables of a Terraform directory, read from its .tf files: what its
 * README must show between `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->`.
 */
export interface TerraformDocs {
  readonly requirements: Row[];
  readonly providers: Row[];
  readonly modules: Row[];
  readonly resources: Row[];
  readonly inputs: Row[];
  readonly outputs: Row[];
}

/** One table row, cell by column name. */
export type Row = Readonly<Record<string, string>>;

export const BEGIN_MARKER = '<!-- BEGIN_TF_DOCS -->';
export const END_MARKER = '<!-- END_TF_DOCS -->';

const SECTIONS = [
  ['requirements', 'Requirements', ['Name', 'Version']],
  ['providers', 'Providers', ['Name', 'Version']],
  ['modules', 'Modules', ['Name', 'Source', 'Version']],
  ['resources', 'Resources', ['Name', 'Type']],
  ['inputs', 'Inputs', ['Name', 'Description', 'Type', 'Default', 'Required']],
  ['outputs', 'Outputs', ['Name', 'Description']],
] as const;

const BLOCK_KINDS: Readonly<Record<string, string>> = {
  resource: 'resource',
  data: 'data source',
  ephemeral: 'ephemeral resource',
};

/** Reads every .tf file of `dir` (not its subdirectories) into the tables. */
export function collectDocs(dir: string): TerraformDocs {
  const blocks = readdirSync(dir)
    .filter((name) => name.endsWith('.tf') && !name.endsWith('_override.tf'))
    .sort()
    .flatMap((name) => topLevelBlocks(readFileSync(join(dir, name), 'utf8')));

  const terraform = blocks.filter((block) => block.type === 'terraform');
  const settings = new Map(terraform.flatMap((block) => [...attributes(block.body)]));
  const providers = terraform
    .flatMap((block) => nestedBlocks(block.body))
    .filter((block) => block.type === 'required_providers')
    .flatMap((block) => [...attributes(block.body)])
    .map(([name, expression]) => ({ name, version: providerVersion(expression) }));

  return {
    requirements: [
      { Name: 'terraform', Version: stringLiteral(settings.get('required_version') ?? '"n/a"') },
      ...providers.map((provider) => ({ Name: provider.name, Version: provider.version })),
    ],
    providers: providers.map((provider) => ({ Name: provider.name, Version: provider.version })),
    modules: blocks
      .filter((block) => block.type === 'module')
      .map((block) => {
        const found = attributes(block.body);
        return {
          Name: block.labels[0] ?? '',
          Source: stringLiteral(found.get('source') ?? '""'),
          Version: found.has('version') ? stringLiteral(found.get('version') ?? '') : 'n/a',
        };
      }),
    resources: blocks
      .filter((block) => block.type in BLOCK_KINDS)
      .map((block) => ({ Name: block.labels.join('.'), Type: BLOCK_KINDS[block.type] ?? '' }))
      .sort((a, b) => a.Name.localeCompare(b.Name)),
    inputs: blocks
      .filter((block) => block.type === 'variable')
      .map((block) => {
        const found = attributes(block.body);
        const defaultValue = found.get('default');
        return {
          Name: block.labels[0] ?? '',
          Description: stringLiteral(found.get('description') ?? '""'),
          Type: `\`${oneLine(found.get('type') ?? 'any')}\``,
          Default: defaultValue === undefined ? 'n/a' : `\`${oneLine(defaultValue)}\``,
          Required: defaultValue === undefined ? 'yes' : 'no',
        };
      })
      .sort(byName),
    outputs: blocks
      .filter((block) => block.type === 'output')
      .map((block) => ({
        Name: block.labels[0] ?? '',
        Description: stringLiteral(attributes(block.body).get('description') ?? '""'),
      }))
      .sort(byName),
  };
}

/** terraform-docs' order: by name. */
function byName(a: Row, b: Row): number {
  return (a['Name'] ?? '').localeCompare(b['Name'] ?? '');
}

function providerVersion(expression: string): string {
  const version = /version\s*=\s*("(?:[^"\\]|\\.)*")/.exec(expression)?.[1];
  return version === undefined ? 'n/a' : stringLiteral(version);
}

/** The tables as Markdown, as they stand between the markers. */
export function renderDocs(docs: TerraformDocs): string {
  const parts: string[] = [];
  for (const [key, title, columns] of SECTIONS) {
    const rows = docs[key];
    parts.push(`## ${title}`, '');
    if (rows.length === 0) {
      parts.push(`No ${title.toLowerCase()}.`, '');
      continue;
    }
    parts.push(`| ${columns.join(' | ')} |`);
    parts.push(
      `|${columns.map((column) => (column === 'Required' ? ':--------:' : '------')).join('|')}|`,
    );
    for (const row of rows)
      parts.push(`| ${columns.map((column) => row[column] ?? '').join(' | ')} |`);
    parts.push('');
  }
  return parts.join('\n');
}

/** Reads the tables back from a README's marked section. */
export function readDocsSection(readme: string): TerraformDocs {
  const start = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end < start) throw new Error(`the README has no ${BEGIN_MARKER} section`);
  const section = readme.slice(start + BEGIN_MARKER.length, end);

  const tables: Record<string, Row[]> = {};
  for (const [key, title, columns] of SECTIONS) {
    const heading = section.indexOf(`## ${title}\n`);
    if (heading === -1) throw new Error(`the README's docs section has no "## ${title}" table`);
    const next = section.indexOf('\n## ', heading + 1);
    const body = section.slice(heading, next === -1 ? undefined : next);
    tables[key] = body
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .slice(2)
      .map((line) => {
        const cells = line
          .slice(1, -1)
          .split(' | ')
          .map((cell) => cell.trim());
        return Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? '']));
      });
  }
  return tables as unknown as TerraformDocs;
}
