/** Where a text stops being JSON (RFC 8259), and what was expected there. */
export interface JsonSyntaxError {
  /** Offset in UTF-16 code units from the start of the text. */
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly expected: string;
  /** The character found, or `end of input`. */
  readonly found: string;
}

type Container = '{' | '[';
type Expecting = 'value' | 'key' | 'key_or_end' | 'value_or_end';

class SyntaxStop extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

/**
 * Finds the first syntax error in `text`, or returns undefined when it is valid JSON. Used
 * only after `JSON.parse` failed, because engines differ in whether their message gives a
 * position. It keeps its own stack, so deeply nested input cannot overflow the call stack.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scanDocument(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxStop)) throw error;
    return describeStop(text, error);
  }
}

function scanDocument(text: string): void {
  const open: Container[] = [];
  let expecting: Expecting = 'value';
  let i = skipWhitespace(text, 0);

  for (;;) {
    const char = text[i];

    if (expecting === 'key' || expecting === 'key_or_end') {
      if (expecting === 'key_or_end' && char === '}') {
        open.pop();
        i += 1;
      } else {
        if (char !== '"') throw new SyntaxStop(i, 'a double-quoted property name');
        i = skipWhitespace(text, scanString(text, i));
        if (text[i] !== ':') throw new SyntaxStop(i, "':' after the property name");
        i = skipWhitespace(text, i + 1);
        expecting = 'value';
        continue;
      }
    } else if (expecting === 'value_or_end' && char === ']') {
      open.pop();
      i += 1;
    } else if (char === '{' || char === '[') {
      open.push(char);
      i = skipWhitespace(text, i + 1);
      expecting = char === '{' ? 'key_or_end' : 'value_or_end';
      continue;
    } else {
      i = scanScalar(text, i);
    }

    const next = scanAfterValue(text, i, open);
    if (next === undefined) return;
    [i, expecting] = next;
  }
}

/** After a complete value: closes containers until a comma, or the end of the document. */
function scanAfterValue(
  text: string,
  start: number,
  open: Container[],
): [number, Expecting] | undefined {
  let i = skipWhitespace(text, start);

  for (;;) {
    const top = open.at(-1);
    if (top === undefined) {
      if (i < text.length) throw new SyntaxStop(i, 'the end of the document');
      return undefined;
    }

    const close = top === '{' ? '}' : ']';
    if (text[i] === ',') return [skipWhitespace(text, i + 1), top === '{' ? 'key' : 'value'];
    if (text[i] !== close) throw new SyntaxStop(i, `',' or '${close}'`);

    open.pop();
    i = skipWhitespace(text, i + 1);
  }
}

function scanScalar(text: string, i: number): number {
  const char = text[i];
  if (char === '"') return scanString(text, i);
  if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
    return scanNumber(text, i);
  }

  for (const literal of ['true', 'false', 'null']) {
    if (char === literal[0]) return scanLiteral(text, i, literal);
  }
  throw new SyntaxStop(i, 'a value');
}

function scanString(text: string, start: number): number {
  let i = start + 1;

  for (;;) {
    const char = text[i];
    if (char === undefined) throw new SyntaxStop(i, "a closing '\"'");
    if (char === '"') return i + 1;
    if (char < ' ')
      throw new SyntaxStop(
        i,
        'a printable character (control characters in strings must be escaped)',
      );

    if (char === '\\') {
      const escape = text[i + 1];
      if (escape === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          throw new SyntaxStop(i + 2, 'four hex digits after \\u');
        }
        i += 6;
        continue;
      }
      if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
        throw new SyntaxStop(i + 1, 'an escape: one of " \\ / b f n r t u');
      }
      i += 2;
      continue;
    }
    i += 1;
  }
}

function scanNumber(text: string, start: number): number {
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  number.lastIndex = start;
  const match = number.exec(text);
  if (match === null) throw new SyntaxStop(start + 1, 'a digit');

  const end = start + match[0].length;
  if (/[0-9.eE+-]/.test(text[end] ?? '')) throw new SyntaxStop(end, 'a well-formed number');
  return end;
}

function scanLiteral(text: string, start: number, literal: string): number {
  for (let k = 0; k < literal.length; k += 1) {
    if (text[start + k] !== literal[k]) throw new SyntaxStop(start + k, `'${literal}'`);
  }
  return start + literal.length;
}

function skipWhitespace(text: string, start: number): number {
  let i = start;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i += 1;
  return i;
}

function describeStop(text: string, stop: SyntaxStop): JsonSyntaxError {
  const before = text.slice(0, stop.offset);
  const line = before.split('\n').length;
  const column = stop.offset - before.lastIndexOf('\n');
  const char = text[stop.offset];
  const found = char === undefined ? 'end of input' : JSON.stringify(char);

  return { offset: stop.offset, line, column, expected: stop.expected, found };
}
