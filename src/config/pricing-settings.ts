import type { PriceTable, Rate } from '../core/pricing.js';
import type { TierCatalog } from '../core/tier.js';
import type { SettingsMap } from './settings-map.js';
import { isPlainMap } from './settings-map.js';

const CURRENCY = /^[A-Z]{3}$/;
const RATE_KEYS = { per_hour: 'hour', per_minute: 'minute' } as const;

/**
 * Reads the optional `pricing` map: a currency, and rates by instance type (or local shape)
 * and by tier, each `{ per_hour: N }` or `{ per_minute: N }`. Returns undefined when the file
 * has none. Tier names must be tiers of the catalog, so a typo cannot leave a tier unpriced.
 */
export function readPricing(
  root: SettingsMap,
  tiers: TierCatalog | undefined,
): PriceTable | undefined {
  if (root.raw('pricing') === undefined) return undefined;

  const pricing = root.child('pricing');
  const currency = pricing.text('currency', {
    fallback: 'USD',
    pattern: CURRENCY,
    rule: 'must be a three-letter currency code in capitals, such as USD or EUR',
  });
  const instanceTypes = readRates(pricing.child('instance_types'));
  const tierRates = readRates(pricing.child('tiers'));
  pricing.close();

  if (tiers !== undefined) {
    const names = tiers.tiers.map((tier) => tier.name);
    for (const name of Object.keys(tierRates).filter((n) => !names.includes(n))) {
      pricing.report(`tiers.${name}`, name, `is not a tier (tiers: ${names.join(', ')})`);
    }
  }
  return { currency, instanceTypes, tiers: tierRates };
}

function readRates(map: SettingsMap): Record<string, Rate> {
  const rates: Record<string, Rate> = {};
  for (const [name, value] of map.all()) {
    const rate = readRate(value);
    if ('per' in rate) rates[name] = rate;
    else map.report(rate.key === '' ? name : `${name}.${rate.key}`, rate.value, rate.message);
  }
  return rates;
}

type RateProblem = { readonly key: string; readonly value: unknown; readonly message: string };

function readRate(value: unknown): Rate | RateProblem {
  const keys = isPlainMap(value) ? Object.keys(value) : [];
  const [unit] = keys;
  if (!isPlainMap(value) || keys.length !== 1 || unit === undefined || !(unit in RATE_KEYS)) {
    return { key: '', value, message: 'must be a map with one key: per_hour or per_minute' };
  }

  const amount = value[unit];
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    return { key: unit, value: amount, message: 'must be a number of at least 0' };
  }
  return { amount, per: RATE_KEYS[unit as keyof typeof RATE_KEYS] };
}
