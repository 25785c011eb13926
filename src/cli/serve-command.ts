import { parseArgs } from 'node:util';

import { createJsonLogger } from '../adapters/telemetry/json-logger.js';
import type { LogLevel } from '../adapters/telemetry/json-logger.js';
import { LOG_LEVELS } from '../adapters/telemetry/json-logger.js';
import { loadConfig } from '../config/load-config.js';
import { startEmbeddedControlPlane } from '../embedded/embedded-control-plane.js';
import type { CliIo } from './run-cli.js';
import { EXIT_OK, EXIT_USAGE } from './run-cli.js';

const HELP = `Usage: ghr serve --config <file> [--log-level debug|info|warn|error]

Runs the control plane on this machine: the webhook server (POST /webhook, GET /healthz,
GET /metrics), the workers, SQLite storage, and one local process per runner. Logs are JSON
lines on standard output. SIGTERM or SIGINT stops taking webhooks, finishes the work in hand
and exits 0; runner processes keep running and are adopted by the next start.
`;

export async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string', short: 'c' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  if (typeof values.config !== 'string') {
    io.err(`ghr serve: --config <file> is required\n\n${HELP}`);
    return EXIT_USAGE;
  }
  const level = (values['log-level'] ?? io.env['GHR_LOG_LEVEL'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    io.err(`ghr serve: --log-level must be one of ${LOG_LEVELS.join(', ')} (got "${level}")\n`);
    return EXIT_USAGE;
  }

  const config = loadConfig(values.config, io.env);
  const logger = createJsonLogger({ level, write: (line) => io.out(`${line}\n`) });
  const plane = await startEmbeddedControlPlane(config, { logger });

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info('shutting down', { signal });
      resolve();
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  await plane.stop();
  return EXIT_OK;
}
