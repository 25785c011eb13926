import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.js';
import { ConfigFolder, ENV, escapeRegExp, problemsOf } from './config-fixtures.js';

const folder = new ConfigFolder();
const configDir = folder.path;
const write = (name: string, text: string): string => folder.write(name, text);

afterAll(() => folder.cleanUp());

describe('loadConfig with an unreadable file', () => {
  it('names a file that does not exist', () => {
    const path = join(configDir, 'nowhere.yaml');

    const error = problemsOf(() => loadConfig(path, ENV));

    expect(error.problems).toEqual([
      expect.objectContaining({ key: path, message: expect.stringContaining('does not exist') }),
    ]);
    expect(error.message).toContain(path);
  });

  it('gives the line and column of a YAML syntax error', () => {
    const path = write(
      'broken.yaml',
      ['environment: dev', 'listen:', '  host: 127.0.0.1', ' port: 8080', 'tiers: {}'].join('\n'),
    );

    const error = problemsOf(() => loadConfig(path, ENV));

    expect(error.problems[0]?.key).toMatch(new RegExp(`^${escapeRegExp(path)}:4:\\d+$`));
    expect(error.problems[0]?.value).toBe('port: 8080');
    expect(error.problems[0]?.message).toMatch(/^syntax error: /);
    expect(error.message).toContain(`${path}:4:`);
  });

  it('gives the line and column of a JSON syntax error', () => {
    const path = write(
      'broken.json',
      '{\n  "environment": "dev",\n  "listen": { "port": 80, }\n}\n',
    );

    const error = problemsOf(() => loadConfig(path, ENV));

    expect(error.problems[0]?.key).toMatch(new RegExp(`^${escapeRegExp(path)}:3:\\d+$`));
    expect(error.problems[0]?.message).toMatch(/^syntax error: /);
  });

  it('refuses an extension it cannot parse', () => {
    const path = write('settings.toml', 'environment = "dev"\n');

    const error = problemsOf(() => loadConfig(path, ENV));

    expect(error.problems).toEqual([expect.objectContaining({ key: path, value: '.toml' })]);
  });
});
