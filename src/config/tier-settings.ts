import type { Problem } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';
import type { TierCatalog, TierInput } from '../core/tier.js';
import { buildTierCatalog } from '../core/tier.js';
import { SettingsMap, isPlainMap } from './settings-map.js';

/** The catalog names some fields after the domain; the file uses the Terraform module's names. */
const FILE_FIELD: Readonly<Record<string, string>> = {
  name: '',
  os: 'runner_os',
  architecture: 'runner_architecture',
};

/**
 * Reads `tiers`, `default_tier` and `match_mode` from the root of the file and validates them
 * with the core's own rules. Every problem is added to `problems`, keyed as the file spells
 * it; returns undefined when there was any.
 */
export function readTierCatalog(root: SettingsMap, problems: Problem[]): TierCatalog | undefined {
  const before = problems.length;
  const rawTiers = root.raw('tiers');
  const tiers = root.child('tiers');
  const tiersAreMap = problems.length === before;

  const entries = tiers.all();
  const inputs = entries.map(([name, value]) => readTier(name, value, tiers, problems));
  // A tier that is not a map was reported once already; its missing fields add nothing.
  const brokenTiers = entries.filter(([, value]) => !isPlainMap(value)).map(([name]) => name);
  const defaultTier = root.raw('default_tier');
  const matchMode = root.raw('match_mode') ?? 'exact';

  try {
    return buildTierCatalog(inputs, defaultTier, matchMode, 'tiers');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;

    const names = inputs.map((input) => input.name as string);
    for (const problem of error.problems) {
      if (problem.key === 'tiers' && !tiersAreMap) continue;
      if (brokenTiers.some((name) => problem.key.startsWith(`tiers.${name}.`))) continue;
      const value = problem.key === 'tiers' ? rawTiers : problem.value;
      problems.push({ ...problem, key: fileKey(problem.key, names), value });
    }
    return undefined;
  }
}

function readTier(
  name: string,
  value: unknown,
  tiers: SettingsMap,
  problems: Problem[],
): TierInput {
  const tier = SettingsMap.open(value, tiers.keyOf(name), problems);
  const input: TierInput = {
    name,
    labels: tier.raw('labels'),
    os: tier.raw('runner_os') ?? undefined,
    architecture: tier.raw('runner_architecture') ?? undefined,
    instanceTypes: tier.raw('instance_types') ?? undefined,
    spot: tier.raw('spot') ?? undefined,
    maxRunners: tier.raw('max_runners'),
  };
  tier.close();
  return input;
}

/** Turns a catalog key (`tiers.small.os`) into the file's (`tiers.small.runner_os`). */
function fileKey(key: string, names: readonly string[]): string {
  const owner = names
    .filter((name) => key.startsWith(`tiers.${name}.`))
    .sort((a, b) => b.length - a.length)[0];
  if (owner === undefined) return key;

  const prefix = `tiers.${owner}`;
  const field = key.slice(prefix.length + 1);
  const renamed = FILE_FIELD[field] ?? field;
  return renamed === '' ? prefix : `${prefix}.${renamed}`;
}
