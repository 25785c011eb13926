import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from '../../src/http/locate-json-syntax-error.js';
import { examplesOf } from '../support/webhook-payloads.js';

/** A small deterministic generator, so a failing mutation can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const REAL_BODIES = ['workflow_job', 'installation', 'ping'].flatMap((event) =>
  examplesOf(event).map((example) => JSON.stringify(example, null, 2)),
);

describe('locateJsonSyntaxError', () => {
  it('finds nothing wrong in real webhook bodies', () => {
    const found = REAL_BODIES.map(locateJsonSyntaxError);

    expect(REAL_BODIES.length).toBeGreaterThan(10);
    expect(found.every((where) => where === undefined)).toBe(true);
  });

  it('agrees with JSON.parse on a thousand single-character mutations of real bodies', () => {
    const random = seeded(20_251_204);
    const alphabet = '{}[]:,"\\ \n0123456789-+.eEtrufalsnx\u0001';
    const disagreements: string[] = [];
    let broken = 0;

    for (let n = 0; n < 1000; n += 1) {
      const body = REAL_BODIES[Math.floor(random() * REAL_BODIES.length)] as string;
      const at = Math.floor(random() * body.length);
      const char = alphabet[Math.floor(random() * alphabet.length)] as string;
      const mutated =
        random() < 0.5
          ? body.slice(0, at) + body.slice(at + 1)
          : body.slice(0, at) + char + body.slice(at + 1);

      const valid = parses(mutated);
      if (!valid) broken += 1;
      if (valid !== (locateJsonSyntaxError(mutated) === undefined)) {
        disagreements.push(JSON.stringify(mutated.slice(Math.max(0, at - 20), at + 20)));
      }
    }

    expect(disagreements).toEqual([]);
    expect(broken).toBeGreaterThan(150);
  });

  it.each([
    ['{"a":1,}', 1, 8, 'a double-quoted property name'],
    ['{\n  "a": [1, 2\n}', 3, 1, "',' or ']'"],
    ['{"a":01}', 1, 7, 'a well-formed number'],
    ['{"a":"\\q"}', 1, 8, 'an escape'],
    ['{"a":"\\u12G4"}', 1, 9, 'four hex digits'],
    ['{"a":nul}', 1, 9, "'null'"],
  ])('places the error in %j at line %i, column %i', (text, line, column, expected) => {
    const where = locateJsonSyntaxError(text);

    expect(where).toMatchObject({ line, column, expected: expect.stringContaining(expected) });
  });

  it('handles nesting far deeper than the call stack allows', () => {
    const deep = '['.repeat(200_000);

    expect(locateJsonSyntaxError(deep)).toMatchObject({ offset: 200_000, found: 'end of input' });
    expect(locateJsonSyntaxError(`${deep}${']'.repeat(200_000)}`)).toBeUndefined();
  });
});
