/** Reading a README the way a reader follows it: its sections, code blocks and commands. */

export interface CodeBlock {
  /** The fence's language: `bash`, `hcl`, `yaml`, ... */
  readonly language: string;
  readonly code: string;
}

/**
 * The text under a heading (`## Title` or `### Title`), up to the next heading of the same or
 * a higher level.
 */
export function section(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex(
    (line) => /^#{2,3} /.test(line) && line.replace(/^#+ /, '') === title,
  );
  if (start === -1) throw new Error(`the README has no section "${title}"`);

  const level = (lines[start] ?? '').indexOf(' ');
  let end = start + 1;
  let fenced = false;
  for (; end < lines.length; end += 1) {
    const line = lines[end] ?? '';
    if (line.trimStart().startsWith('```')) fenced = !fenced;
    const heading = /^(#+) /.exec(line);
    if (!fenced && heading && (heading[1] ?? '').length <= level) break;
  }
  return lines.slice(start + 1, end).join('\n');
}

/** Every heading's title, in order. */
export function headings(markdown: string): string[] {
  return codeless(markdown)
    .split('\n')
    .filter((line) => /^#{2,3} /.test(line))
    .map((line) => line.replace(/^#+ /, ''));
}

/** The fenced code blocks of `markdown`, indentation of list items removed. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const fence = /^([ \t]*)```(\w*)\n([\s\S]*?)\n[ \t]*```$/gm;
  let match: RegExpExecArray | null;
  while ((match = fence.exec(markdown)) !== null) {
    const indent = (match[1] ?? '').length;
    const code = (match[3] ?? '')
      .split('\n')
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    blocks.push({ language: match[2] ?? '', code });
  }
  return blocks;
}

/**
 * The commands of a shell block, as the shell reads them: a backslash at the end of a line
 * continues it, a newline inside quotes belongs to the quoted word, comment lines and blank
 * lines are dropped.
 */
export function commands(code: string): string[] {
  const found: string[] = [];
  let current = '';
  let quote: string | undefined;

  for (let i = 0; i < code.length; i += 1) {
    const char = code[i] as string;
    if (quote === undefined && char === '\\' && code[i + 1] === '\n') {
      i += 1;
      while (code[i + 1] === ' ' || code[i + 1] === '\t') i += 1;
      continue;
    }
    if (char === '\n' && quote === undefined) {
      found.push(current);
      current = '';
      continue;
    }
    if ((char === "'" || char === '"') && (quote === undefined || quote === char)) {
      quote = quote === undefined ? char : undefined;
    }
    current += char;
  }
  found.push(current);

  return found.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/** The commands of every bash block of `markdown`. */
export function shellCommands(markdown: string): string[] {
  return codeBlocks(markdown)
    .filter((block) => block.language === 'bash')
    .flatMap((block) => commands(block.code));
}

/** Inline code spans outside fenced blocks. */
export function inlineCode(markdown: string): string[] {
  return [...codeless(markdown).matchAll(/`([^`\n]+)`/g)].map((match) => match[1] as string);
}

/** The words of a simple command, honouring single and double quotes. */
export function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? '',
  );
}

/** The value after `flag` in a command, or undefined. */
export function flagValue(command: string, flag: string): string | undefined {
  const parts = words(command);
  const at = parts.indexOf(flag);
  return at === -1 ? undefined : parts[at + 1];
}

function codeless(markdown: string): string {
  return markdown.replace(/^[ \t]*```[\s\S]*?^[ \t]*```$/gm, '');
}
