import { describe, expect, it } from 'vitest';

import { renderCsv, renderTable, wrapText } from '../../src/cli/output-format.js';

describe('renderTable', () => {
  it('aligns columns under their headers, numbers to the right', () => {
    const text = renderTable(
      [{ header: 'name' }, { header: 'n', align: 'right' }],
      [
        ['a', 1],
        ['bbb', 100],
      ],
    );

    expect(text).toBe(['name    n', '----  ---', 'a       1', 'bbb   100'].join('\n'));
  });

  it('fits 100 columns, cutting shrinkable cells first and marking the cut with …', () => {
    const long = 'x'.repeat(150);
    const text = renderTable(
      [{ header: 'id' }, { header: 'note', shrink: true }, { header: 'state' }],
      [['runner-1', long, 'busy']],
    );
    const [header, , row] = text.split('\n');

    expect(text.split('\n').every((line) => line.length <= 100)).toBe(true);
    expect(row).toMatch(/^runner-1 {2}x+… {2}busy$/);
    expect(header?.startsWith('id        note')).toBe(true);
  });

  it('cuts other columns too when shrinking the free text is not enough', () => {
    const cells = Array.from({ length: 12 }, (_, i) => `${'v'.repeat(12)}${i}`);
    const text = renderTable(
      cells.map((_, i) => ({ header: `c${i}` })),
      [cells],
    );

    expect(text.split('\n').every((line) => line.length <= 100)).toBe(true);
    expect(text).toContain('…');
  });
});

describe('renderCsv', () => {
  it('quotes fields with commas, quotes or line breaks, and leaves null empty', () => {
    expect(renderCsv(['a', 'b', 'c'], [['x,y', 'say "hi"', null]])).toBe(
      'a,b,c\r\n"x,y","say ""hi""",\r\n',
    );
  });
});

describe('wrapText', () => {
  it('wraps at word boundaries and indents what follows', () => {
    expect(wrapText('one two three four', 9)).toBe('one two\n  three\n  four');
  });
});
