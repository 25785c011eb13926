import { afterAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.js';
import { loadOperatorConfig } from '../../src/config/operator-config.js';
import { ConfigFolder, ENV, FULL_YAML, problemsOf } from './config-fixtures.js';

const folder = new ConfigFolder();
afterAll(() => folder.cleanUp());

const TOKEN = 'a'.repeat(32);

describe('the pricing section', () => {
  it('reads rates per instance type and per tier, each per hour or per minute', () => {
    const text = `${FULL_YAML}
pricing:
  currency: EUR
  instance_types:
    m7i.large: { per_hour: 0.1008 }
  tiers:
    small: { per_minute: 0.008 }
`;
    const config = loadConfig(folder.write('priced.yaml', text), ENV);

    expect(config.pricing).toEqual({
      currency: 'EUR',
      instanceTypes: { 'm7i.large': { amount: 0.1008, per: 'hour' } },
      tiers: { small: { amount: 0.008, per: 'minute' } },
    });
  });

  it('is absent unless the file has it', () => {
    expect(loadConfig(folder.write('plain.yaml', FULL_YAML), ENV).pricing).toBeUndefined();
  });

  it('reports every bad rate with its key and value', () => {
    const text = `${FULL_YAML}
pricing:
  currency: dollars
  instance_types:
    t3.micro: { per_hour: -1 }
    t3.small: { per_day: 2 }
    t3.large: { per_hour: 1, per_minute: 0.02 }
  tiers:
    smal: { per_hour: 1 }
  discount: 10
`;
    const error = problemsOf(() => loadConfig(folder.write('bad-prices.yaml', text), ENV));
    const byKey = new Map(error.problems.map((p) => [p.key, p]));

    expect([...byKey.keys()].sort()).toEqual([
      'pricing.currency',
      'pricing.discount',
      'pricing.instance_types.t3.large',
      'pricing.instance_types.t3.micro.per_hour',
      'pricing.instance_types.t3.small',
      'pricing.tiers.smal',
    ]);
    expect(byKey.get('pricing.currency')?.value).toBe('dollars');
    expect(byKey.get('pricing.instance_types.t3.micro.per_hour')?.value).toBe(-1);
    expect(byKey.get('pricing.tiers.smal')?.message).toContain('small, arm-large');
  });
});

describe('the admin section', () => {
  it('is off by default, and off when enabled is false', () => {
    expect(loadConfig(folder.write('no-admin.yaml', FULL_YAML), ENV).admin).toBeUndefined();
    const off = `${FULL_YAML}\nadmin: { enabled: false }\n`;
    expect(loadConfig(folder.write('admin-off.yaml', off), ENV).admin).toBeUndefined();
  });

  it('takes its token from GHR_ADMIN_TOKEN when enabled', () => {
    const on = `${FULL_YAML}\nadmin: { enabled: true }\n`;

    const config = loadConfig(folder.write('admin-on.yaml', on), {
      ...ENV,
      GHR_ADMIN_TOKEN: TOKEN,
    });

    expect(config.admin).toEqual({ token: TOKEN });
  });

  it.each([
    ['not set', {}],
    ['set, 12 characters', { GHR_ADMIN_TOKEN: 'short-secret' }],
  ])('refuses to enable it with a token %s, never showing the token', (seen, extra) => {
    const on = `${FULL_YAML}\nadmin: { enabled: true }\n`;

    const error = problemsOf(() =>
      loadConfig(folder.write('admin-bad.yaml', on), { ...ENV, ...extra }),
    );

    expect(error.problems).toEqual([
      expect.objectContaining({ key: 'GHR_ADMIN_TOKEN', value: seen }),
    ]);
    expect(error.message).not.toContain('short-secret');
  });

  it('refuses an enabled flag that is not a boolean', () => {
    const text = `${FULL_YAML}\nadmin: { enabled: "yes", token: x }\n`;

    const error = problemsOf(() => loadConfig(folder.write('admin-typo.yaml', text), ENV));

    expect(error.problems.map((p) => p.key).sort()).toEqual(['admin.enabled', 'admin.token']);
  });
});

describe('loadOperatorConfig', () => {
  it('reads storage, tiers and pricing without any of the App secrets', () => {
    const text = `${FULL_YAML}\npricing: { tiers: { small: { per_hour: 1 } } }\nadmin: { enabled: true }\n`;

    const config = loadOperatorConfig(folder.write('operator.yaml', text));

    expect(config.storagePath).toBe(`${folder.path}/state/ghr.sqlite`);
    expect(config.tiers.tiers.map((t) => t.name)).toEqual(['small', 'arm-large']);
    expect(config.pricing?.tiers).toEqual({ small: { amount: 1, per: 'hour' } });
  });

  it('still reports mistakes in what it reads, and unknown top-level keys', () => {
    const text = `${FULL_YAML}\nstorage_path: ./x.sqlite\npricing: { tiers: { huge: { per_hour: 1 } } }\n`;

    const error = problemsOf(() => loadOperatorConfig(folder.write('operator-bad.yaml', text)));

    expect(error.problems.map((p) => p.key).sort()).toEqual(['pricing.tiers.huge', 'storage_path']);
  });
});
