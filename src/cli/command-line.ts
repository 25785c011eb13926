import type { ParseArgsConfig } from 'node:util';
import { parseArgs } from 'node:util';

/** The flags a command knows, as `node:util` parseArgs takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** The options and positionals of one command, strings exactly as typed. */
export interface CommandLine {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Marks a token that looks like a negative number, so the parser does not take it for a flag. */
const NUMBER_MARK = '\u0000';

/**
 * Parses `argv` strictly: an unknown flag is refused. A negative number (`-1`) is kept as a
 * value or positional, so the command can refuse it with its own rule ("must be a whole
 * number of at least 0") rather than the parser calling it an unknown flag.
 */
export function readCommandLine(argv: readonly string[], options: CommandOptions): CommandLine {
  const marked = argv.map((token) => (/^-\d/.test(token) ? `${NUMBER_MARK}${token}` : token));
  const parsed = parseArgs({
    args: marked,
    options,
    allowPositionals: true,
    strict: true,
  });

  const unmark = (value: string) =>
    value.startsWith(NUMBER_MARK) ? value.slice(NUMBER_MARK.length) : value;
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    values[name] = typeof value === 'string' ? unmark(value) : (value as boolean | undefined);
  }
  return { values, positionals: parsed.positionals.map(unmark) };
}

/** A string option's value, or undefined; a boolean never reaches here for string options. */
export function text(line: CommandLine, name: string): string | undefined {
  const value = line.values[name];
  return typeof value === 'string' ? value : undefined;
}
