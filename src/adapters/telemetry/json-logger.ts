import { PlatformError } from '../../core/errors.js';
import type { LogFields, Logger } from '../../core/ports/telemetry.js';
import { redactLogFields, redactText } from './redact-log-fields.js';

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** How {@link createJsonLogger} writes. */
export interface JsonLoggerOptions {
  /** The lowest level written; lines below it are dropped. */
  readonly level: LogLevel;
  /** Receives each line, without its trailing newline. Defaults to standard output. */
  readonly write?: (line: string) => void;
  /** Fields on every line. */
  readonly bindings?: LogFields;
}

/** One captured line of a {@link MemoryLogger}, after redaction. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly msg: string;
  /** Bindings and fields merged, fields winning. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A logger for tests: every line lands in `entries`, shared with its children. */
export interface MemoryLogger extends Logger {
  readonly entries: LogEntry[];
  child(bindings: LogFields): MemoryLogger;
}

type Emit = (level: LogLevel, msg: string, fields: Record<string, unknown>) => void;

/** Keys every line starts with; a field of the same name is kept as `field_<name>`. */
const RESERVED_KEYS = new Set(['time', 'level', 'msg']);

/**
 * The production logger: one JSON object per line, `time`, `level` and `msg` first, then
 * bindings and fields, with credentials redacted.
 */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  assertLevel(options.level);
  const write = options.write ?? writeToStdout;

  const emit: Emit = (level, msg, fields) => {
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
    for (const [key, value] of Object.entries(fields)) {
      line[RESERVED_KEYS.has(key) ? `field_${key}` : key] = value;
    }
    write(JSON.stringify(line));
  };

  return createStructuredLogger(options.level, options.bindings ?? {}, emit);
}

/** Captures lines in memory with the same redaction as {@link createJsonLogger}. */
export function createMemoryLogger(options: { readonly level?: LogLevel } = {}): MemoryLogger {
  const entries: LogEntry[] = [];
  const emit: Emit = (level, msg, fields) => entries.push({ level, msg, fields });

  const make = (bindings: LogFields): MemoryLogger => {
    const logger = createStructuredLogger(options.level ?? 'debug', bindings, emit);
    return {
      entries,
      debug: logger.debug,
      info: logger.info,
      warn: logger.warn,
      error: logger.error,
      child: (more) => make({ ...bindings, ...more }),
    };
  };

  return make({});
}

function createStructuredLogger(minimum: LogLevel, bindings: LogFields, emit: Emit): Logger {
  const threshold = LOG_LEVELS.indexOf(minimum);

  const at = (level: LogLevel) =>
    function log(message: string, fields: LogFields = {}): void {
      if (LOG_LEVELS.indexOf(level) < threshold) return;

      emit(level, redactText(message), redactLogFields({ ...bindings, ...fields }));
    };

  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => createStructuredLogger(minimum, { ...bindings, ...more }, emit),
  };
}

function assertLevel(level: string): asserts level is LogLevel {
  if ((LOG_LEVELS as readonly string[]).includes(level)) return;

  throw new PlatformError(
    'invalid_config',
    `creating a logger: level must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(level)})`,
  );
}

function writeToStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}
