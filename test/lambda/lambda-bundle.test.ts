import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BuiltFunction } from '../../tools/lambda-build/build-lambdas.js';
import {
  BUNDLE_FILE,
  LAMBDA_FUNCTIONS,
  buildLambdas,
} from '../../tools/lambda-build/build-lambdas.js';

let scratch: string;
let first: BuiltFunction[];
let second: BuiltFunction[];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ghr-lambda-build-'));
  first = await buildLambdas(join(scratch, 'first'));
  second = await buildLambdas(join(scratch, 'second'));
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Reads a zip with Python's zipfile, a reader that shares no code with the writer. */
function listZip(path: string): { name: string; time: number[]; mode: string; system: number }[] {
  const script = [
    'import json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'assert z.testzip() is None',
    'print(json.dumps([{"name": i.filename, "time": list(i.date_time),',
    '  "mode": oct(i.external_attr >> 16), "system": i.create_system} for i in z.infolist()]))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
}

function extract(zipPath: string, into: string): string {
  execFileSync('python3', ['-m', 'zipfile', '-e', zipPath, into]);
  return join(into, BUNDLE_FILE);
}

/** Runs `code` as an ES module in a fresh Node with nothing of this environment but PATH. */
function runNode(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  }).trim();
}

describe('npm run build', () => {
  it('writes one zip per function, byte for byte the same on every build', () => {
    expect(first.map((fn) => fn.name)).toEqual([...LAMBDA_FUNCTIONS]);
    expect(second.map((fn) => fn.sha256)).toEqual(first.map((fn) => fn.sha256));
    for (const fn of first) {
      const again = second.find((other) => other.name === fn.name);
      expect(readFileSync(fn.zipPath).equals(readFileSync(again?.zipPath ?? ''))).toBe(true);
    }
  });

  it.each([...LAMBDA_FUNCTIONS])(
    'puts only index.mjs in %s.zip, with a fixed time and rw-r--r-- on Unix',
    (name) => {
      const fn = first.find((built) => built.name === name);

      expect(listZip(fn?.zipPath ?? '')).toEqual([
        { name: BUNDLE_FILE, time: [1980, 1, 1, 0, 0, 0], mode: '0o100644', system: 3 },
      ]);
    },
  );

  it.each([...LAMBDA_FUNCTIONS])(
    'builds a %s bundle that a fresh Node imports, exporting handler',
    (name) => {
      const fn = first.find((built) => built.name === name);
      const bundle = extract(fn?.zipPath ?? '', join(scratch, `run-${name}`));

      const kind = runNode(
        `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(typeof m.handler);`,
      );

      expect(kind).toBe('function');
      expect(readFileSync(bundle, 'utf8')).not.toContain(scratch);
    },
  );

  it('runs the bundled webhook far enough to report its missing configuration', () => {
    const fn = first.find((built) => built.name === 'webhook');
    const bundle = extract(fn?.zipPath ?? '', join(scratch, 'run-config'));

    const outcome = runNode(
      [
        `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});`,
        'try { await handler({}); console.log("answered"); }',
        'catch (error) { console.log(error.name + ": " + error.message.split("\\n")[0]); }',
      ].join('\n'),
    );

    expect(outcome).toMatch(
      /^ValidationError: Lambda configuration \(environment variables\): \d+ problem\(s\)$/,
    );
  });
});
