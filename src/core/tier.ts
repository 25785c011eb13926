import type { Problem } from './errors.js';
import { ValidationError } from './errors.js';

/**
 * A runner class the operator offers: the labels a job asks for, what the machine is, and how
 * many runners of it one tenant may hold at once. Tiers are configuration; any name works.
 */
export interface Tier {
  readonly name: string;
  /** As configured; runners are registered with this spelling. */
  readonly labels: readonly string[];
  readonly os: string;
  readonly architecture: string;
  /** Instance types (AWS) or a free-form shape (embedded), in order of preference. */
  readonly instanceTypes: readonly string[];
  readonly spot: boolean;
  /** Most runners of this tier one tenant may hold at once. */
  readonly maxRunners: number;
}

export type MatchMode = 'exact' | 'subset';

export interface TierCatalog {
  readonly tiers: readonly Tier[];
  /** The plan tier given to a tenant on installation. Always one of `tiers`. */
  readonly defaultTier: string;
  readonly matchMode: MatchMode;
}

export interface TierInput {
  readonly name: unknown;
  readonly labels: unknown;
  readonly os?: unknown;
  readonly architecture?: unknown;
  readonly instanceTypes?: unknown;
  readonly spot?: unknown;
  readonly maxRunners: unknown;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** GitHub accepts 1 to 100 labels on a JIT runner. */
const MAX_LABELS = 100;

/**
 * Validates tier definitions and returns a frozen catalog, or throws one ValidationError that
 * lists every problem. `keyPrefix` names where the tiers came from (for example `tiers`).
 */
export function buildTierCatalog(
  inputs: readonly TierInput[],
  defaultTier: unknown,
  matchMode: unknown = 'exact',
  keyPrefix = 'tiers',
): TierCatalog {
  const problems: Problem[] = [];
  const tiers: Tier[] = [];

  inputs.forEach((input, index) => {
    const tier = checkTier(input, `${keyPrefix}.${describeKey(input.name, index)}`, problems);
    if (tier) tiers.push(tier);
  });

  if (inputs.length === 0) {
    problems.push({ key: keyPrefix, value: inputs, message: 'at least one tier is required' });
  }
  checkUniqueNames(tiers, keyPrefix, problems);
  checkDistinctLabelSets(tiers, keyPrefix, problems);

  if (typeof defaultTier !== 'string' || !tiers.some((t) => t.name === defaultTier)) {
    problems.push({
      key: 'default_tier',
      value: defaultTier,
      message: `must be one of the tiers (${tiers.map((t) => t.name).join(', ') || 'none'})`,
    });
  }
  if (matchMode !== 'exact' && matchMode !== 'subset') {
    problems.push({ key: 'match_mode', value: matchMode, message: 'must be "exact" or "subset"' });
  }

  if (problems.length > 0) throw new ValidationError('tier configuration', problems);
  return Object.freeze({
    tiers: Object.freeze(tiers),
    defaultTier: defaultTier as string,
    matchMode: matchMode as MatchMode,
  });
}

export function findTier(catalog: TierCatalog, name: string): Tier | undefined {
  return catalog.tiers.find((t) => t.name === name);
}

/** Labels compare case-insensitively everywhere; this is the one place that says how. */
export function normalizeLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((l) => l.trim().toLowerCase()))].sort();
}

function describeKey(name: unknown, index: number): string {
  return typeof name === 'string' && name.length > 0 ? name : `[${index}]`;
}

function checkTier(input: TierInput, key: string, problems: Problem[]): Tier | undefined {
  const before = problems.length;

  if (typeof input.name !== 'string' || !NAME_PATTERN.test(input.name)) {
    problems.push({
      key: `${key}.name`,
      value: input.name,
      message: 'must be lower-case letters, digits and dashes, starting with a letter or digit',
    });
  }
  const labels = checkStringList(input.labels, `${key}.labels`, problems, 1, MAX_LABELS);
  const os = input.os ?? 'linux';
  if (typeof os !== 'string' || os.length === 0) {
    problems.push({ key: `${key}.os`, value: os, message: 'must be a non-empty string' });
  }
  const architecture = input.architecture ?? 'x64';
  if (typeof architecture !== 'string' || architecture.length === 0) {
    problems.push({
      key: `${key}.architecture`,
      value: architecture,
      message: 'must be a non-empty string',
    });
  }
  const instanceTypes =
    input.instanceTypes === undefined
      ? []
      : checkStringList(input.instanceTypes, `${key}.instance_types`, problems, 0, 20);
  const spot = input.spot ?? false;
  if (typeof spot !== 'boolean') {
    problems.push({ key: `${key}.spot`, value: spot, message: 'must be true or false' });
  }
  if (!isPositiveInteger(input.maxRunners)) {
    problems.push({
      key: `${key}.max_runners`,
      value: input.maxRunners,
      message: 'must be a whole number of at least 1',
    });
  }

  if (problems.length > before) return undefined;
  return Object.freeze({
    name: input.name as string,
    labels: Object.freeze(labels ?? []),
    os: os as string,
    architecture: architecture as string,
    instanceTypes: Object.freeze(instanceTypes ?? []),
    spot: spot as boolean,
    maxRunners: input.maxRunners as number,
  });
}

function checkStringList(
  value: unknown,
  key: string,
  problems: Problem[],
  min: number,
  max: number,
): string[] | undefined {
  const ok =
    Array.isArray(value) &&
    value.length >= min &&
    value.length <= max &&
    value.every((v) => typeof v === 'string' && v.trim().length > 0);
  if (!ok) {
    problems.push({
      key,
      value,
      message: `must be a list of ${min} to ${max} non-empty strings`,
    });
    return undefined;
  }
  return value as string[];
}

function checkUniqueNames(tiers: readonly Tier[], keyPrefix: string, problems: Problem[]): void {
  const seen = new Set<string>();
  for (const tier of tiers) {
    if (seen.has(tier.name)) {
      problems.push({
        key: `${keyPrefix}.${tier.name}`,
        value: tier.name,
        message: 'duplicate name',
      });
    }
    seen.add(tier.name);
  }
}

function checkDistinctLabelSets(
  tiers: readonly Tier[],
  keyPrefix: string,
  problems: Problem[],
): void {
  const owners = new Map<string, string>();
  for (const tier of tiers) {
    const set = normalizeLabels(tier.labels).join(',');
    const owner = owners.get(set);
    if (owner !== undefined) {
      problems.push({
        key: `${keyPrefix}.${tier.name}.labels`,
        value: tier.labels,
        message: `tiers "${owner}" and "${tier.name}" have the same label set; a job could not tell them apart`,
      });
    } else {
      owners.set(set, tier.name);
    }
  }
}

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
