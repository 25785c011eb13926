/**
 * Just enough HCL reading for the documentation checks: the top-level blocks of a file, the
 * attributes of a block (as source text), and string literals. It follows quoted strings,
 * template interpolations, heredocs and comments, so braces inside them do not count.
 */

export interface HclBlock {
  /** `variable`, `output`, `resource`, `data`, `ephemeral`, `terraform`, ... */
  readonly type: string;
  readonly labels: readonly string[];
  /** The text between the block's braces. */
  readonly body: string;
}

/** The blocks at the top level of `text`, in order. */
export function topLevelBlocks(text: string): HclBlock[] {
  return nestedBlocks(text);
}

/** The blocks directly inside a block's body, such as `validation` or `required_providers`. */
export function nestedBlocks(body: string): HclBlock[] {
  const blocks: HclBlock[] = [];
  const header = /^[ \t]*([A-Za-z_][\w-]*)((?:[ \t]+"[^"\n]*")*)[ \t]*\{[ \t]*$/m;

  // Each range at depth zero ends at the bracket that opens the next nested thing; a block's
  // header is the last line of the range before it.
  for (const [start, end] of depthZeroRanges(body)) {
    const match = header.exec(body.slice(start, end));
    if (match === null) continue;

    const open = start + match.index + match[0].lastIndexOf('{');
    blocks.push({
      type: match[1] as string,
      labels: [...(match[2] ?? '').matchAll(/"([^"]*)"/g)].map((label) => label[1] as string),
      body: body.slice(open + 1, matchingBrace(body, open)),
    });
  }
  return blocks;
}

/** The attributes directly inside a block's body: name to expression source. */
export function attributes(body: string): Map<string, string> {
  const found = new Map<string, string>();
  const line = /^[ \t]*([A-Za-z_][\w-]*)[ \t]*=(?!=)[ \t]*/gm;

  for (const [start, end] of depthZeroRanges(body)) {
    const chunk = body.slice(start, end);
    line.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = line.exec(chunk)) !== null) {
      const from = start + match.index + match[0].length;
      const to = expressionEnd(body, from);
      found.set(match[1] as string, body.slice(from, to).trim());
      line.lastIndex = to - start;
      if (to >= end) break;
    }
  }
  return found;
}

/** The value of a quoted string literal, with HCL's escapes undone. */
export function stringLiteral(expression: string): string {
  const text = expression.trim();
  if (!text.startsWith('"') || !text.endsWith('"')) {
    throw new Error(`not a quoted string: ${text.slice(0, 60)}`);
  }
  return JSON.parse(text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')) as string;
}

/**
 * An expression on one line, as the documentation tables show it: comments dropped, runs of
 * spaces made one, and the lines of an object or map joined with ", ".
 */
export function oneLine(expression: string): string {
  const lines = expression
    .split('\n')
    .map((text) =>
      text
        .replace(/\s+#.*$/, '')
        .trim()
        .replace(/\s+/g, ' '),
    )
    .filter((text) => text !== '');

  let joined = '';
  for (const text of lines) {
    if (joined === '') {
      joined = text;
      continue;
    }
    const opens = /[[({,]$/.test(joined);
    const closes = /^[\])}]/.test(text);
    joined += opens || closes ? ` ${text}` : `, ${text}`;
  }
  return joined;
}

/** Ranges of `body` at brace depth zero, outside strings, heredocs and comments. */
function depthZeroRanges(body: string): [number, number][] {
  const ranges: [number, number][] = [];
  let depth = 0;
  let start = 0;

  for (let i = 0; i < body.length;) {
    const skipped = skipNonCode(body, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const char = body[i];
    if (char === '{' || char === '(' || char === '[') {
      if (depth === 0) ranges.push([start, i + 1]);
      depth += 1;
    } else if (char === '}' || char === ')' || char === ']') {
      depth -= 1;
      if (depth === 0) start = i + 1;
    }
    i += 1;
  }
  if (depth === 0) ranges.push([start, body.length]);
  return ranges;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length;) {
    const skipped = skipNonCode(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const char = text[i];
    if (char === '{' || char === '(' || char === '[') depth += 1;
    if (char === '}' || char === ')' || char === ']') {
      depth -= 1;
      if (depth === 0) return i;
    }
    i += 1;
  }
  throw new Error(`unbalanced braces from offset ${open}`);
}

/** Where an attribute's expression ends: the first newline at its own bracket depth. */
function expressionEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length;) {
    const skipped = skipNonCode(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const char = text[i];
    if (char === '{' || char === '(' || char === '[') depth += 1;
    if (char === '}' || char === ')' || char === ']') {
      if (depth === 0) return i;
      depth -= 1;
    }
    if (char === '\n' && depth === 0) return i;
    i += 1;
  }
  return text.length;
}

/** Past a string, heredoc or comment that starts at `i`; `i` itself when none does. */
function skipNonCode(text: string, i: number): number {
  const rest = text.slice(i, i + 3);
  if (text[i] === '"') return pastString(text, i);
  if (text[i] === '#' || rest.startsWith('//')) {
    const end = text.indexOf('\n', i);
    return end === -1 ? text.length : end;
  }
  if (rest.startsWith('/*')) {
    const end = text.indexOf('*/', i + 2);
    return end === -1 ? text.length : end + 2;
  }
  if (rest.startsWith('<<')) {
    const heredoc = /^<<-?([A-Za-z_]\w*)\n/.exec(text.slice(i));
    if (heredoc) {
      const marker = new RegExp(`\\n[ \\t]*${heredoc[1]}[ \\t]*(?=\\n|$)`, 'g');
      marker.lastIndex = i + heredoc[0].length - 1;
      const end = marker.exec(text);
      return end === null ? text.length : end.index + end[0].length;
    }
  }
  return i;
}

/** Past the closing quote of the string opening at `i`, through any `${ ... }` inside it. */
function pastString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j += 1) {
    const char = text[j];
    if (char === '\\') {
      j += 1;
      continue;
    }
    if (char === '"') return j + 1;
    if ((char === '$' || char === '%') && text[j + 1] === '{' && text[j - 1] !== char) {
      j = matchingBrace(text, j + 1);
    }
  }
  throw new Error(`unterminated string from offset ${i}`);
}
