import { describe, expect, it } from 'vitest';
import {
  createJsonLogger,
  createMemoryLogger,
} from '../../../src/adapters/telemetry/json-logger.js';
import type { LogLevel } from '../../../src/adapters/telemetry/json-logger.js';
import { PlatformError } from '../../../src/core/errors.js';

const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB',
  'aFDrBz9vFqU4yFVzOWFm1JVNQJmnb1Uq8ZlB0kUpXv6p1hYvM3wzNfYvQYw8WQfH',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

function jsonLogger(level: LogLevel = 'debug', bindings = {}) {
  const lines: string[] = [];
  const logger = createJsonLogger({ level, write: (line) => lines.push(line), bindings });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createJsonLogger', () => {
  it('writes one JSON object per line: time, level and msg first, then bindings and fields', () => {
    const { logger, lines } = jsonLogger('debug', { service: 'webhook' });

    logger.info('delivery accepted', { delivery_id: 'd-1', installation_id: 4242 });

    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual([
      'time',
      'level',
      'msg',
      'service',
      'delivery_id',
      'installation_id',
    ]);
    expect(record).toMatchObject({
      level: 'info',
      msg: 'delivery accepted',
      service: 'webhook',
      delivery_id: 'd-1',
      installation_id: 4242,
    });
    expect(new Date(record['time'] as string).toISOString()).toBe(record['time']);
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at level %s writes only %j', (level, written) => {
    const { logger, records } = jsonLogger(level);

    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');

    expect(records().map((record) => record['level'])).toEqual(written);
  });

  it('refuses an unknown level, naming the ones it knows', () => {
    expect(() => createJsonLogger({ level: 'verbose' as LogLevel })).toThrow(
      /debug, info, warn, error \(got "verbose"\)/,
    );
  });

  it('gives child loggers their parent bindings plus their own, without changing the parent', () => {
    const { logger, records } = jsonLogger('debug', { service: 'webhook' });
    const delivery = logger.child({ delivery_id: 'd-7', installation_id: 1 });
    const job = delivery.child({ job_id: 12, installation_id: 2 });

    job.info('job queued');
    logger.info('server started');

    expect(records()).toEqual([
      expect.objectContaining({ service: 'webhook', delivery_id: 'd-7', job_id: 12 }),
      expect.not.objectContaining({ delivery_id: expect.anything() }),
    ]);
    expect(records()[0]?.['installation_id']).toBe(2);
  });

  it('keeps a field named like a reserved key under field_<name>', () => {
    const { logger, records } = jsonLogger();

    logger.info('real message', { msg: 'field value', level: 'field level' });

    expect(records()[0]).toMatchObject({
      level: 'info',
      msg: 'real message',
      field_msg: 'field value',
      field_level: 'field level',
    });
  });

  it('serialises an error field with name, message, code, retryable, stack and cause', () => {
    const { logger, records } = jsonLogger();
    const cause = new Error('socket hang up');
    const error = new PlatformError('unavailable', 'minting a token failed', { cause });

    logger.error('reconcile failed', { err: error });

    expect(records()[0]?.['err']).toEqual({
      name: 'PlatformError',
      message: 'minting a token failed',
      code: 'unavailable',
      retryable: true,
      stack: expect.stringContaining('minting a token failed'),
      cause: expect.objectContaining({ name: 'Error', message: 'socket hang up' }),
    });
  });

  it.each([
    'token',
    'installation_token',
    'accessToken',
    'jwt',
    'app_jwt',
    'private_key',
    'privateKey',
    'PRIVATE-KEY',
    'secret',
    'webhook_secret',
    'password',
    'Authorization',
    'jit_config',
    'encoded_jit_config',
    'encodedJitConfig',
  ])('redacts a field named %s, at any depth', (key) => {
    const { logger, lines } = jsonLogger();

    logger.info('calling GitHub', {
      [key]: 'ghs_value-that-must-not-appear',
      request: { headers: { [key]: { nested: 'ghs_value-that-must-not-appear' } } },
      list: [{ [key]: 'ghs_value-that-must-not-appear' }],
    });

    const record = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(lines[0]).not.toContain('value-that-must-not-appear');
    expect(record[key]).toBe('[redacted]');
    expect(record['request']).toEqual({ headers: { [key]: '[redacted]' } });
    expect(record['list']).toEqual([{ [key]: '[redacted]' }]);
  });

  it('keeps ordinary fields as given', () => {
    const { logger, records } = jsonLogger();

    logger.info('runner started', { runner_name: 'ghr-4242-small-1', job_id: 12, tier: 'small' });

    expect(records()[0]).toMatchObject({ runner_name: 'ghr-4242-small-1', job_id: 12 });
  });

  it('redacts PEM blocks in messages, field values and error text', () => {
    const { logger, lines } = jsonLogger();

    logger.error(`loaded key ${PEM}`, {
      detail: `config said: ${PEM} and more`,
      truncated: PEM.slice(0, 80),
      err: new Error(`cannot parse ${PEM}`),
    });

    const record = JSON.parse(lines[0] as string) as Record<string, Record<string, string>>;
    expect(lines[0]).not.toContain('MIIEowIBAAKCAQEA');
    expect(record['msg']).toBe('loaded key [redacted]');
    expect(record['detail']).toBe('config said: [redacted] and more');
    expect(record['truncated']).toBe('[redacted]');
    expect(record['err']?.['message']).toBe('cannot parse [redacted]');
  });

  it('redacts GitHub tokens and JWTs that appear inside free text', () => {
    const { logger, lines } = jsonLogger();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjM0NSJ9.c2lnbmF0dXJlLWJ5dGVz';

    logger.warn('request failed', {
      reason: `401 for Authorization: token ghs_16C7e42F292c6912E7710c838347Ae178B4a and ${jwt}`,
    });

    expect(lines[0]).not.toContain('ghs_16C7');
    expect(lines[0]).not.toContain(jwt);
    expect(lines[0]).toContain('401 for Authorization: token [redacted] and [redacted]');
  });

  it('writes cycles, bigints and bytes without throwing', () => {
    const { logger, records } = jsonLogger();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop['self'] = loop;
    const shared = { id: 1 };

    logger.info('odd values', { loop, count: 10n, body: new Uint8Array(3), a: shared, b: shared });

    expect(records()[0]).toMatchObject({
      loop: { name: 'loop', self: '[circular]' },
      count: '10',
      body: '[3 bytes]',
      a: { id: 1 },
      b: { id: 1 },
    });
  });
});

describe('createMemoryLogger', () => {
  it('captures entries from the logger and its children in one array, redacted', () => {
    const logger = createMemoryLogger();
    const child = logger.child({ delivery_id: 'd-9' });

    logger.debug('first');
    child.info('second', { token: 'ghs_abc', private_key: PEM });

    expect(logger.entries).toEqual([
      { level: 'debug', msg: 'first', fields: {} },
      {
        level: 'info',
        msg: 'second',
        fields: { delivery_id: 'd-9', token: '[redacted]', private_key: '[redacted]' },
      },
    ]);
    expect(child.entries).toBe(logger.entries);
  });

  it('drops entries below its level', () => {
    const logger = createMemoryLogger({ level: 'warn' });

    logger.info('quiet');
    logger.warn('loud');

    expect(logger.entries.map((entry) => entry.msg)).toEqual(['loud']);
  });
});
