import { PlatformError, ValidationError } from '../core/errors.js';
import type { Clock } from '../core/ports/clock.js';
import type { FieldNames } from '../operator/operator-input.js';
import type { OperatorService } from '../operator/operator-service.js';
import { createOperatorService } from '../operator/operator-service.js';
import { BACKEND_HELP, BACKEND_OPTIONS, openBackend } from './backend-options.js';
import type { CommandLine, CommandOptions } from './command-line.js';
import { readCommandLine, text } from './command-line.js';
import type { OutputFormat } from './output-format.js';
import { renderJson } from './output-format.js';
import type { CliIo } from './run-cli.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './run-cli.js';

/** How each input is named on the command line, unless a command says otherwise. */
export const CLI_NAMES: FieldNames = {
  installationId: '<installation_id>',
  tenant: '--tenant',
  tier: '--tier',
  maxRunners: '--max-runners',
  limit: '<N>',
  status: '--status',
  state: '--state',
  since: '--since',
  until: '--until',
  by: '--by',
  chargeIdle: '--charge-idle',
};

/** What a command printed: the view as JSON, and its table and CSV renderings. */
export interface CommandAnswer {
  readonly view: unknown;
  readonly table: () => string;
  readonly csv?: () => string;
}

/** One operator command: its flags, positionals and help, and what it asks the service. */
export interface OperatorCommand {
  /** As typed after `ghr`, e.g. `tenants set-tier`. */
  readonly name: string;
  readonly help: string;
  readonly options?: CommandOptions;
  /** Names of the positionals, all required, e.g. `['<installation_id>', '<tier>']`. */
  readonly positionals?: readonly string[];
  readonly names?: Partial<FieldNames>;
  /** The formats `--output` accepts; the first is the default. */
  readonly formats: readonly OutputFormat[];
  run(service: OperatorService, line: CommandLine): Promise<CommandAnswer>;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * Parses, opens the backend, asks the service and prints the answer. Exit 0 when done, 2 for
 * bad input (a flag, a value, an unknown tenant), 1 when the backend failed. Progress goes to
 * stderr; the answer alone to stdout.
 */
export async function runOperatorCommand(
  command: OperatorCommand,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const prefix = `ghr ${command.name}`;

  try {
    const line = readCommandLine(argv, {
      ...BACKEND_OPTIONS,
      ...command.options,
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    });
    if (line.values['help'] === true) {
      io.out(`${command.help}\n${BACKEND_HELP}\n`);
      return EXIT_OK;
    }
    const format = checkShape(command, line);

    const backend = await openBackend(line, {
      env: io.env,
      clock: io.clock ?? systemClock,
      progress: (message) => io.err(`${prefix}: ${message}\n`),
    });
    try {
      const service = createOperatorService(backend, { ...CLI_NAMES, ...command.names });
      const answer = await command.run(service, line);
      io.out(render(answer, format));
      return EXIT_OK;
    } finally {
      await backend.close();
    }
  } catch (error) {
    return reportFailure(prefix, error, io);
  }
}

function checkShape(command: OperatorCommand, line: CommandLine): OutputFormat {
  const expected = command.positionals ?? [];
  if (line.positionals.length !== expected.length) {
    const wanted = expected.length === 0 ? 'no arguments' : expected.join(' ');
    throw new PlatformError(
      'invalid_input',
      `expected ${wanted}, got ${line.positionals.length} argument(s)` +
        (line.positionals.length > 0 ? ` (${JSON.stringify(line.positionals)})` : '') +
        `; see --help`,
    );
  }

  const format = text(line, 'output') ?? command.formats[0] ?? 'table';
  if (!(command.formats as readonly string[]).includes(format)) {
    throw new PlatformError(
      'invalid_input',
      `--output must be one of ${command.formats.join(', ')} (got ${JSON.stringify(format)})`,
    );
  }
  return format as OutputFormat;
}

function render(answer: CommandAnswer, format: OutputFormat): string {
  if (format === 'json') return renderJson(answer.view);
  if (format === 'csv' && answer.csv !== undefined) return answer.csv();
  return `${answer.table()}\n`;
}

function reportFailure(prefix: string, error: unknown, io: CliIo): number {
  if (isParseError(error)) {
    io.err(`${prefix}: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (!(error instanceof PlatformError)) throw error;

  io.err(`${prefix}: ${error.message}\n`);
  const badInput =
    error instanceof ValidationError ||
    error.code === 'invalid_input' ||
    error.code === 'not_found';
  return badInput ? EXIT_USAGE : EXIT_FAILURE;
}

function isParseError(error: unknown): error is TypeError {
  return (
    error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
  );
}
