import { parseArgs } from 'node:util';

import { loadConfig } from '../config/load-config.js';
import { formatProblems, ValidationError } from '../core/errors.js';
import type { CliIo } from './run-cli.js';
import { EXIT_OK, EXIT_USAGE } from './run-cli.js';

const HELP = `Usage: ghr config check <file>

Validates a configuration file (YAML or JSON) and the secrets in the environment, and reports
every problem at once, each with its key and the value seen. Exit 0 when valid, 2 otherwise.
`;

export async function checkConfigCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) {
    io.err(`ghr config check: expected one file, got ${positionals.length}\n\n${HELP}`);
    return EXIT_USAGE;
  }

  try {
    const config = loadConfig(file, io.env);
    io.out(
      `${file}: valid; tiers ${config.tiers.tiers.map((t) => t.name).join(', ')}; ` +
        `default tier ${config.tiers.defaultTier}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    io.err(`${file}: ${error.problems.length} problem(s)\n${formatProblems(error.problems)}\n`);
    return EXIT_USAGE;
  }
}
