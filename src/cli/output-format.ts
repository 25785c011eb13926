/** How a command prints its answer: a table for people, JSON or CSV for scripts. */
export type OutputFormat = 'table' | 'json' | 'csv';

/** Tables fit a terminal this wide; longer cells are cut with `…`. */
export const TABLE_WIDTH = 100;

const GAP = '  ';
const MIN_COLUMN = 4;

export interface Column {
  readonly header: string;
  /** Numbers read best aligned right. */
  readonly align?: 'left' | 'right';
  /** Free text (names, reasons) that gives way first when the table is too wide. */
  readonly shrink?: boolean;
}

/** A cell as views hold it; null and undefined print as `-`. */
export type Cell = string | number | boolean | null | undefined;

/**
 * Lays out rows under their headers, each column as wide as its widest cell. When the whole
 * is wider than `width`, the widest `shrink` columns give way first, then the widest of any,
 * and cells that no longer fit end in `…`.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  width = TABLE_WIDTH,
): string {
  const text = rows.map((row) => columns.map((_, c) => showCell(row[c])));
  const widths = columns.map((column, c) =>
    Math.max(column.header.length, ...text.map((row) => (row[c] ?? '').length)),
  );
  const room = width - GAP.length * (columns.length - 1);
  fitWidths(widths, room, (c) => columns[c]?.shrink === true);
  fitWidths(widths, room, () => true);

  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => {
        const fitted = cut(cell, widths[c] ?? 0);
        return columns[c]?.align === 'right'
          ? fitted.padStart(widths[c] ?? 0)
          : fitted.padEnd(widths[c] ?? 0);
      })
      .join(GAP)
      .trimEnd();

  return [
    line(columns.map((column) => column.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...text.map(line),
  ].join('\n');
}

/** Narrows the widest of the `eligible` columns one character at a time until the sum fits. */
function fitWidths(widths: number[], room: number, eligible: (column: number) => boolean): void {
  let total = widths.reduce((sum, w) => sum + w, 0);
  while (total > room) {
    const candidates = widths.map((w, c) => (eligible(c) && w > MIN_COLUMN ? w : -1));
    const widest = candidates.indexOf(Math.max(...candidates));
    if ((candidates[widest] ?? -1) < 0) return;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total -= 1;
  }
}

function cut(cell: string, width: number): string {
  return cell.length <= width ? cell : `${cell.slice(0, Math.max(0, width - 1))}…`;
}

function showCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '-';
  return String(cell);
}

/** RFC 4180 CSV: a header row, then one row per record; null is an empty field. */
export function renderCsv(
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  const field = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    const text =
      typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [headers, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/** The view as indented JSON; views are built with their keys in a fixed order. */
export function renderJson(view: unknown): string {
  return `${JSON.stringify(view, null, 2)}\n`;
}

/** ISO time without milliseconds, for tables: `2024-01-31T12:00:05Z`. */
export function shortTime(iso: string | null | undefined): string | null {
  if (iso === null || iso === undefined) return null;
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

/** Wraps prose at word boundaries to `width`, indenting the lines after the first. */
export function wrapText(text: string, width = TABLE_WIDTH, indent = '  '): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line === '' ? word : `${line} ${word}`;
    if (next.length > width && line !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** Seconds with one decimal, for tables. */
export function showSeconds(seconds: number): string {
  return seconds.toFixed(1);
}
