import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runnerTagsOf } from '../../src/adapters/aws/ec2-runner-tags.js';
import { jitParameterPath } from '../../src/adapters/aws/ssm-jit-handoff.js';
import { LAMBDA_FUNCTIONS } from '../../tools/lambda-build/build-lambdas.js';
import { EXAMPLE_DIR, ROOT } from './deployment-tree.js';
import { attributes, stringLiteral } from './hcl-blocks.js';
import {
  codeBlocks,
  commands,
  flagValue,
  headings,
  inlineCode,
  section,
  shellCommands,
  words,
} from './readme-commands.js';
import { collectDocs } from './terraform-docs.js';

/**
 * The quick start of the original multi-tenant example, which users of this kind of
 * deployment know: its steps, sections, commands and variables. Ours keeps each of them, or
 * names it in its "Differences" section and says why.
 */
const ORIGINAL = {
  steps: [
    'Step 1: Build the Lambda Functions',
    'Step 2: Configure Variables',
    'Step 3: Deploy',
    'Step 4: Configure GitHub App Webhook',
    'Step 5: Install the App',
    'Step 6: Test with a Workflow',
  ],
  sections: [
    'Quick Start',
    'Runner Tiers',
    'Monitoring Tenants',
    'Cost Allocation',
    'Custom Tiers',
    'ARM64 Runners',
    'Troubleshooting',
    'Clean Up',
  ],
  commands: [
    'cd ../../lambdas',
    'yarn install',
    'yarn build',
    'cd ../examples/multi-tenant-runner',
    'cd ../lambdas-download',
    'terraform init',
    'terraform apply -var=module_version=<VERSION>',
    'cd ../multi-tenant-runner',
    'cat your-app-private-key.pem | base64 -w 0',
    'terraform apply',
    'terraform output webhook_endpoint',
    'terraform output -raw webhook_secret',
  ],
  variables: ['github_app', 'aws_region', 'environment'],
};

const DIFFERENCES = "Differences from the original example's quick start";

const readme = readFileSync(join(ROOT, EXAMPLE_DIR, 'README.md'), 'utf8');
const quickStart = section(readme, 'Quick Start');
const example = collectDocs(join(ROOT, EXAMPLE_DIR));
const exampleInputs = example.inputs.map((row) => row['Name']);
const exampleOutputs = example.outputs.map((row) => row['Name']);

/** The commands a reader of the quick start runs, in order, inline ones included. */
function quickStartCommands(): string[] {
  const inline = inlineCode(quickStart).filter((code) => code.startsWith('terraform '));
  return [...shellCommands(quickStart), ...inline];
}

/** The tfvars the quick start has the reader write. */
function quickStartVariables(): Map<string, string> {
  const block = codeBlocks(section(readme, 'Step 2: Configure Variables')).find(
    (candidate) => candidate.language === 'hcl',
  );
  if (block === undefined) throw new Error('Step 2 has no hcl block');
  return attributes(block.code);
}

/** The tiers of the README's table: name and label set, lower-cased. */
function tableTiers(): Map<string, string> {
  const rows = section(readme, 'Runner Tiers')
    .split('\n')
    .filter((line) => line.startsWith('| ') && line.includes('`'));
  return new Map(
    rows.map((row) => {
      const [name = '', labels = ''] = row.slice(2, -2).split(' | ');
      return [name.toLowerCase(), labelSet(labels.replace(/`/g, '').split(','))];
    }),
  );
}

function labelSet(labels: readonly string[]): string {
  return [...new Set(labels.map((label) => label.trim().toLowerCase()))].sort().join(',');
}

describe("the example README's quick start", () => {
  it("keeps the original example's steps and sections", () => {
    const ours = headings(readme);

    for (const title of [...ORIGINAL.steps, ...ORIGINAL.sections, DIFFERENCES]) {
      expect(ours, title).toContain(title);
    }
  });

  it('runs each original command as written, or explains in the differences section why not', () => {
    const ours = quickStartCommands().flatMap((command) => command.split(' && '));
    const explained = inlineCode(section(readme, DIFFERENCES));

    for (const command of ORIGINAL.commands) {
      const kept = ours.includes(command);
      expect(kept || explained.includes(command), `${command} is neither run nor explained`).toBe(
        true,
      );
    }
  });

  it('walks from the example directory through files, scripts and outputs that exist', () => {
    let cwd = EXAMPLE_DIR;
    const packageJson = () =>
      JSON.parse(readFileSync(join(ROOT, cwd, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };

    for (const line of quickStartCommands()) {
      for (const command of line.split(' && ')) {
        const [program, ...args] = words(command);
        if (program === 'cd') {
          cwd = normalize(join(cwd, args[0] ?? ''));
          expect(statSync(join(ROOT, cwd)).isDirectory(), `${command} from ${cwd}`).toBe(true);
        } else if (program === 'npm' && args[0] === 'ci') {
          expect(existsSync(join(ROOT, cwd, 'package-lock.json')), `${command} in ${cwd}`).toBe(
            true,
          );
        } else if (program === 'npm' && args[0] === 'run') {
          expect(packageJson().scripts, `${command} in ${cwd}`).toHaveProperty(args[1] ?? '');
        } else if (program === 'terraform') {
          expect(cwd, `${command} runs in the example`).toBe(EXAMPLE_DIR);
          if (args[0] === 'output') expect(exampleOutputs).toContain(args.at(-1));
          else expect(['init', 'apply', 'plan', 'destroy']).toContain(args[0]);
        } else if (program === 'cat') {
          // The reader's own key file, piped into base64: nothing of ours to find.
          expect(command).toMatch(/^cat [\w.-]+\.pem \| base64 -w 0$/);
        } else {
          throw new Error(`the quick start runs ${command}, which this test does not know`);
        }
      }
    }
    expect(cwd).toBe(EXAMPLE_DIR);
  });

  it('builds every bundle the example deploys, where the example looks for it', () => {
    const main = readFileSync(join(ROOT, EXAMPLE_DIR, 'main.tf'), 'utf8');
    const step = section(readme, 'Step 1: Build the Lambda Functions');

    expect(main).toContain('lambda_dir = "${path.module}/../../dist/lambda"');
    for (const name of LAMBDA_FUNCTIONS) {
      expect(main).toContain(`\${local.lambda_dir}/${name}.zip`);
      expect(step).toContain(name === 'webhook' ? 'dist/lambda/webhook.zip' : `${name}.zip`);
    }
  });

  it("sets the original's variables, all of them the example's, and every required one", () => {
    const variables = [...quickStartVariables().keys()];
    const required = example.inputs.filter((row) => row['Required'] === 'yes');

    expect(variables.sort()).toEqual([...ORIGINAL.variables].sort());
    for (const name of variables) expect(exampleInputs).toContain(name);
    for (const row of required) expect(variables).toContain(row['Name']);
  });

  it('asks in its workflows for labels that name exactly one tier', () => {
    const tiers = [...tableTiers().values()];
    const requests = codeBlocks(readme)
      .filter((block) => block.language === 'yaml')
      .flatMap((block) => [...block.code.matchAll(/runs-on: \[([^\]]+)\]/g)])
      .map((match) => labelSet((match[1] ?? '').split(',')));

    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(
        tiers.filter((tier) => tier === request),
        request,
      ).toHaveLength(1);
    }
  });
});

describe("the example README's AWS commands", () => {
  const environment = stringLiteral(quickStartVariables().get('environment') ?? '""');
  const all = codeBlocks(readme)
    .filter((block) => block.language === 'bash')
    .flatMap((block) => commands(block.code))
    .filter((command) => command.startsWith('aws '));

  it('name the tables, queues, log groups, tags and parameters the deployment has', () => {
    const tables = ['tenants', 'ledger', 'deliveries'].map((table) => `${environment}-${table}`);
    const queues = [...tableTiers().keys()].map((tier) => `${environment}-${tier}-builds`);
    const logGroups = LAMBDA_FUNCTIONS.map((name) => `/aws/lambda/${environment}-${name}`);
    const tagKeys = Object.keys(runnerTagsOf([]));

    expect(all.length).toBeGreaterThan(8);
    for (const command of all) {
      const table = flagValue(command, '--table-name');
      const queue = flagValue(command, '--queue-name');
      const path = flagValue(command, '--path');
      if (table !== undefined) expect(tables, command).toContain(table);
      if (queue !== undefined) expect(queues, command).toContain(queue);
      if (path !== undefined) expect(path, command).toBe(jitParameterPath(environment));
      if (command.startsWith('aws logs tail ')) expect(logGroups).toContain(words(command)[3]);
      for (const tag of command.matchAll(/Name=tag:([\w:]+),/g)) {
        expect(tagKeys, command).toContain(tag[1]);
      }
    }
  });

  it('reach only the deployment: no endpoint, account or URL of their own', () => {
    for (const command of all) {
      expect(command).not.toMatch(/https?:\/\/|amazonaws\.com|--endpoint-url|--profile/);
    }
  });
});
