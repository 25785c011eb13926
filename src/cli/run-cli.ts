import { PlatformError, ValidationError } from '../core/errors.js';
import type { Clock } from '../core/ports/clock.js';
import { checkConfigCommand } from './config-check-command.js';
import { JOBS_LIST, QUEUES, RUNNERS_LIST } from './ledger-commands.js';
import type { OperatorCommand } from './operator-command.js';
import { runOperatorCommand } from './operator-command.js';
import { serveCommand } from './serve-command.js';
import { tenantsCommand } from './tenants-command.js';
import { USAGE as USAGE_COMMAND } from './usage-command.js';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The time operator commands measure waits and active runners against; the system's by default. */
  readonly clock?: Clock;
}

/** Exit codes scripts can rely on. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage: ghr <command> [options]

Commands:
  serve --config <file>     Run the control plane: webhook server, workers, local runners.
  config check <file>       Validate a configuration file and report every problem.

Operating it (each takes --config <file> or --db <path>; see docs/cli.md):
  tenants list|show|set-tier|set-limit|suspend|resume
                            Tenants, their limits and runners, and why jobs wait.
  runners list              Runners by tenant, tier and state.
  jobs list                 Jobs by tenant and status.
  queues                    Jobs waiting per tier, and the oldest.
  usage                     Runner- and job-seconds, peaks and cost per tenant.

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
      case 'tenants':
        return await tenantsCommand(rest, io);
      case 'runners':
        return await listCommand('runners', RUNNERS_LIST, rest, io);
      case 'jobs':
        return await listCommand('jobs', JOBS_LIST, rest, io);
      case 'queues':
        return await runOperatorCommand(QUEUES, rest, io);
      case 'usage':
        return await runOperatorCommand(USAGE_COMMAND, rest, io);
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
    if (error instanceof PlatformError) {
      // An expected failure (port taken, database unreadable): its message says it all.
      io.err(`ghr: ${error.message}\n`);
      return EXIT_FAILURE;
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

/** `ghr runners list` and `ghr jobs list`: one subcommand for now, named for what may follow. */
async function listCommand(
  noun: string,
  command: OperatorCommand,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return runOperatorCommand(command, rest, io);
  if (sub === '--help' || sub === '-h') return runOperatorCommand(command, ['--help'], io);
  io.err(`ghr ${noun}: unknown subcommand "${sub ?? ''}"; expected "list"\n`);
  return EXIT_USAGE;
}

async function configCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'check') return checkConfigCommand(rest, io);
  io.err(`ghr config: unknown subcommand "${sub ?? ''}"; expected "check"\n`);
  return EXIT_USAGE;
}
