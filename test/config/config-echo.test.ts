import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.js';
import { ValidationError } from '../../src/core/errors.js';

function problemsOf(text: string): ValidationError {
  const path = join(mkdtempSync(join(tmpdir(), 'ghr-echo-')), 'ghr.yaml');
  writeFileSync(path, text);
  try {
    loadConfig(path, {});
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('what configuration problems echo back', () => {
  it('does not echo the value of an unknown key, which may be a misplaced secret', () => {
    const error = problemsOf('github:\n  webhook_secret: SUPERSECRET-IN-FILE\n');

    expect(error.problems.find((p) => p.key === 'github.webhook_secret')?.value).toBe('<a string>');
    expect(error.message).not.toContain('SUPERSECRET');
  });

  it('reports a value that refers to itself instead of crashing', () => {
    const error = problemsOf('a: &a [*a]\n');

    expect(error.message).toContain('a: unknown key');
    expect(error.problems.map((p) => p.key)).toContain('environment');
  });
});
