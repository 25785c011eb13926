import { ValidationError } from '../core/errors.js';
import { checkConfigCommand } from './config-check-command.js';
import { serveCommand } from './serve-command.js';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Exit codes scripts can rely on. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage: ghr <command> [options]

Commands:
  serve --config <file>     Run the control plane: webhook server, workers, local runners.
  config check <file>       Validate a configuration file and report every problem.

Secrets come from the environment: GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY (PEM) or
GITHUB_APP_KEY_BASE64, GITHUB_WEBHOOK_SECRET.

Run 'ghr <command> --help' for the options of one command.
`;

/** Parses the command line and runs one command; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;

  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, io);
      case 'config':
        return await configCommand(rest, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      default:
        io.err(`ghr: unknown command "${command}"\n\n${USAGE}`);
        return EXIT_USAGE;
    }
  } catch (error) {
    if (error instanceof ValidationError) {
      io.err(`ghr: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`ghr: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

async function configCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'check') return checkConfigCommand(rest, io);
  io.err(`ghr config: unknown subcommand "${sub ?? ''}"; expected "check"\n`);
  return EXIT_USAGE;
}
