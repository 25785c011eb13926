import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';

import type { Problem } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';

const SUBJECT = 'configuration file';

/** Longest excerpt of a source line shown next to a syntax error. */
const EXCERPT_LENGTH = 120;

/**
 * Reads the `serve` configuration file and parses it by extension (`.yaml`, `.yml`, `.json`).
 * A file that cannot be read or parsed throws a ValidationError naming the path and, for
 * syntax errors, `path:line:column` with the offending line as the value seen.
 */
export function readConfigFile(path: string): unknown {
  const format = formatOf(path);
  if (format === undefined) {
    throw new ValidationError(SUBJECT, [
      { key: path, value: extname(path), message: 'must end in .yaml, .yml or .json' },
    ]);
  }

  const text = readText(path);

  return format === 'json' ? parseJson(path, text) : parseYaml(path, text);
}

function formatOf(path: string): 'yaml' | 'json' | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (extension === '.json') return 'json';
  return undefined;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError(SUBJECT, [
      { key: path, value: undefined, message: readFailure(code) },
    ]);
  }
}

function readFailure(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'cannot read the configuration: the file does not exist';
    case 'EACCES':
      return 'cannot read the configuration: permission denied';
    case 'EISDIR':
      return 'cannot read the configuration: this is a folder, not a file';
    default:
      return `cannot read the configuration (${code ?? 'unknown error'})`;
  }
}

function parseYaml(path: string, text: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });

  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return syntaxProblem(path, text, line, col, error.message);
    });
    throw new ValidationError(SUBJECT, problems);
  }

  try {
    return document.toJS();
  } catch (error) {
    // The yaml library refuses documents whose aliases expand without bound.
    const message = `cannot expand the document: ${(error as Error).message}`;
    throw new ValidationError(SUBJECT, [{ key: path, value: undefined, message }]);
  }
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const reason = (/^(Unexpected token '.*?'),/.exec(message)?.[1] ?? message).split('\n')[0];

    if (offset === undefined) {
      throw new ValidationError(SUBJECT, [{ key: path, value: undefined, message: reason ?? '' }]);
    }
    const { line, col } = lineAndColumn(text, Number(offset));
    throw new ValidationError(SUBJECT, [syntaxProblem(path, text, line, col, reason ?? '')]);
  }
}

function syntaxProblem(
  path: string,
  text: string,
  line: number,
  col: number,
  message: string,
): Problem {
  const source = (text.split('\n')[line - 1] ?? '').trim().slice(0, EXCERPT_LENGTH);
  return { key: `${path}:${line}:${col}`, value: source, message: `syntax error: ${message}` };
}

/** One-based line and column of a character offset, as editors count them. */
function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return { line, col };
}
