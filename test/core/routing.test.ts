import { describe, expect, it } from 'vitest';

import { ValidationError } from '../../src/core/errors.js';
import { routeJob } from '../../src/core/routing.js';
import { buildTierCatalog } from '../../src/core/tier.js';

const small = { name: 'small', labels: ['self-hosted', 'linux', 'x64', 'small'], maxRunners: 2 };
const large = { name: 'large', labels: ['self-hosted', 'linux', 'x64', 'large'], maxRunners: 10 };

describe('routeJob', () => {
  const exact = buildTierCatalog([small, large], 'small');

  it.each([
    [['self-hosted', 'linux', 'x64', 'small'], 'small'],
    [['self-hosted', 'linux', 'x64', 'large'], 'large'],
    [['SELF-HOSTED', 'Linux', 'X64', 'Small'], 'small'],
    [['small', 'x64', 'linux', 'self-hosted'], 'small'],
    [['self-hosted', 'linux', 'x64', 'small', 'small'], 'small'],
  ])('routes %j to %s', (labels, tier) => {
    expect(routeJob(exact, labels)?.name).toBe(tier);
  });

  it.each([
    [['self-hosted', 'linux']],
    [['ubuntu-latest']],
    [[]],
    [['self-hosted', 'linux', 'x64', 'small', 'gpu']],
  ])('matches no tier for %j in exact mode', (labels) => {
    expect(routeJob(exact, labels)).toBeUndefined();
  });

  it('matches tiers whose own labels are spelled in another case (F4)', () => {
    const catalog = buildTierCatalog(
      [{ ...small, labels: ['self-hosted', 'Linux', 'X64', 'Small'] }],
      'small',
    );
    expect(routeJob(catalog, ['self-hosted', 'linux', 'x64', 'small'])?.labels).toEqual([
      'self-hosted',
      'Linux',
      'X64',
      'Small',
    ]);
  });

  it('in subset mode picks the tier with the fewest labels, then by name', () => {
    const gpu = {
      name: 'gpu',
      labels: ['self-hosted', 'linux', 'x64', 'small', 'gpu'],
      maxRunners: 1,
    };
    const alpha = { name: 'alpha', labels: ['self-hosted', 'linux', 'arm64'], maxRunners: 1 };
    const beta = { name: 'beta', labels: ['self-hosted', 'linux', 'riscv'], maxRunners: 1 };
    const catalog = buildTierCatalog([gpu, beta, small, alpha], 'small', 'subset');

    expect(routeJob(catalog, ['self-hosted', 'small'])?.name).toBe('small');
    expect(routeJob(catalog, ['gpu'])?.name).toBe('gpu');
    expect(routeJob(catalog, ['self-hosted', 'linux'])?.name).toBe('alpha');
    expect(routeJob(catalog, [])).toBeUndefined();
  });
});

describe('buildTierCatalog', () => {
  it('accepts any tier names and freezes the result', () => {
    const catalog = buildTierCatalog(
      [
        {
          name: 'arm64-medium',
          labels: ['self-hosted', 'linux', 'arm64', 'medium'],
          maxRunners: 5,
        },
      ],
      'arm64-medium',
    );
    expect(catalog.tiers[0]?.name).toBe('arm64-medium');
    expect(Object.isFrozen(catalog.tiers)).toBe(true);
  });

  it('names both tiers when two share a label set (F5)', () => {
    const twin = { name: 'twin', labels: ['SELF-HOSTED', 'linux', 'x64', 'small'], maxRunners: 1 };
    expect(() => buildTierCatalog([small, twin], 'small')).toThrow(/"small" and "twin"/);
  });

  it('reports every problem at once with its key and value', () => {
    let caught: unknown;
    try {
      buildTierCatalog(
        [
          { name: 'Bad Name', labels: ['x'], maxRunners: 1 },
          { name: 'empty', labels: [], maxRunners: 0 },
        ],
        'missing',
        'fuzzy',
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const problems = (caught as ValidationError).problems;
    expect(problems.map((p) => p.key)).toEqual([
      'tiers.Bad Name.name',
      'tiers.empty.labels',
      'tiers.empty.max_runners',
      'default_tier',
      'match_mode',
    ]);
    expect(problems.find((p) => p.key === 'tiers.empty.max_runners')?.value).toBe(0);
  });
});
