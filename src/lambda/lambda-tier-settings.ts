import type { Problem } from '../core/errors.js';
import type { TierCatalog } from '../core/tier.js';
import { MAX_QUEUE_NAME_LENGTH, tierQueueName } from '../adapters/aws/sqs-work-message.js';
import { SettingsMap, isPlainMap } from '../config/settings-map.js';
import { readTierCatalog } from '../config/tier-settings.js';

/** The launch template of a tier's instances: by id (`lt-...`) or by name. */
export interface TierLaunchTemplate {
  readonly id?: string;
  readonly name?: string;
  /** A version number, `$Default` or `$Latest`; EC2's `$Default` when not given. */
  readonly version?: string;
}

/** Where a tier's instances start: what `GHR_TIERS` adds to the tier for EC2. */
export interface TierLaunchSettings {
  readonly launchTemplate: TierLaunchTemplate;
  readonly subnetIds: readonly string[];
}

export interface LambdaTiers {
  readonly catalog: TierCatalog;
  readonly launch: Readonly<Record<string, TierLaunchSettings>>;
}

const VARIABLE = 'GHR_TIERS';
const SUBNET_ID = /^subnet-[0-9a-f]+$/;
const TEMPLATE_ID = /^lt-[0-9a-f]+$/;
const INSTANCE_TYPE = /^[a-z0-9-]+\.[a-z0-9-]+$/;

/**
 * Reads `GHR_TIERS` (JSON: tier name to settings), `GHR_DEFAULT_TIER` and `GHR_MATCH_MODE`.
 * The tier fields are the configuration file's, checked by the same rules; `launch_template`
 * and `subnet_ids` are read here. Problems are keyed by variable, e.g.
 * `GHR_TIERS.small.max_runners`; returns undefined when there was any.
 */
export function readLambdaTiers(
  env: Readonly<Record<string, string | undefined>>,
  prefix: string,
  problems: Problem[],
): LambdaTiers | undefined {
  const before = problems.length;
  const raw = parseTiers(env[VARIABLE], problems);

  const launch: Record<string, TierLaunchSettings> = {};
  const tiers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!isPlainMap(value)) {
      tiers[name] = value;
      continue;
    }
    const { launch_template: template, subnet_ids: subnets, ...tier } = value;
    tiers[name] = tier;
    launch[name] = readLaunch(name, template, subnets, problems);
    checkInstanceTypes(name, tier['instance_types'], problems);
    checkQueueName(prefix, name, problems);
  }

  const catalog = readCatalog(env, tiers, problems);
  return problems.length > before || catalog === undefined ? undefined : { catalog, launch };
}

/** The file allows a tier without instance types (a local command); EC2 needs one at least. */
function checkInstanceTypes(tier: string, types: unknown, problems: Problem[]): void {
  // A value that is not a list of strings is reported by the tier rules already.
  const strings = Array.isArray(types) && types.every((type) => typeof type === 'string');
  if (types !== undefined && !strings) return;
  if (strings && types.length > 0 && types.every((type) => INSTANCE_TYPE.test(type))) return;

  problems.push({
    key: `${VARIABLE}.${tier}.instance_types`,
    value: types,
    message: 'must list at least one EC2 instance type (such as m7i.large), in order of preference',
  });
}

function parseTiers(text: string | undefined, problems: Problem[]): Record<string, unknown> {
  if (text === undefined || text.trim() === '') {
    problems.push({
      key: VARIABLE,
      value: undefined,
      message: 'is required: JSON mapping each tier name to its settings',
    });
    return {};
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push({
      key: VARIABLE,
      value: text.slice(0, 120),
      message: `must be JSON (${(error as Error).message})`,
    });
    return {};
  }
  if (!isPlainMap(parsed)) {
    problems.push({ key: VARIABLE, value: parsed, message: 'must map tier names to settings' });
    return {};
  }
  return parsed;
}

/** The file's tier rules, with its keys (`tiers.x`, `default_tier`) renamed to variables. */
function readCatalog(
  env: Readonly<Record<string, string | undefined>>,
  tiers: Record<string, unknown>,
  problems: Problem[],
): TierCatalog | undefined {
  const found: Problem[] = [];
  const root = SettingsMap.open(
    { tiers, default_tier: env['GHR_DEFAULT_TIER'], match_mode: env['GHR_MATCH_MODE'] },
    '',
    found,
  );
  const catalog = readTierCatalog(root, found);

  for (const problem of found) {
    problems.push({ ...problem, key: variableKey(problem.key) });
  }
  return catalog;
}

function variableKey(key: string): string {
  if (key === 'default_tier') return 'GHR_DEFAULT_TIER';
  if (key === 'match_mode') return 'GHR_MATCH_MODE';
  if (key === 'tiers' || key.startsWith('tiers.')) return `${VARIABLE}${key.slice('tiers'.length)}`;
  return key;
}

function readLaunch(
  tier: string,
  template: unknown,
  subnets: unknown,
  problems: Problem[],
): TierLaunchSettings {
  const key = `${VARIABLE}.${tier}`;
  const launchTemplate = readTemplate(`${key}.launch_template`, template, problems);

  const subnetIds = Array.isArray(subnets) ? subnets : [];
  if (
    subnetIds.length === 0 ||
    !subnetIds.every((s) => typeof s === 'string' && SUBNET_ID.test(s))
  ) {
    problems.push({
      key: `${key}.subnet_ids`,
      value: subnets,
      message: 'must be a list of at least one subnet id (subnet-...)',
    });
  }
  return { launchTemplate, subnetIds: subnetIds as string[] };
}

/** `"lt-0abc"` or `"name"`, or `{ id | name, version? }`. */
function readTemplate(key: string, value: unknown, problems: Problem[]): TierLaunchTemplate {
  if (typeof value === 'string' && value.trim() !== '') {
    return TEMPLATE_ID.test(value) ? { id: value } : { name: value };
  }

  const rule = 'must be a launch template id (lt-...), a name, or { "id" | "name", "version" }';
  if (!isPlainMap(value)) {
    problems.push({ key, value, message: rule });
    return {};
  }
  const { id, name, version, ...rest } = value;
  const fine =
    Object.keys(rest).length === 0 &&
    (typeof id === 'string') !== (typeof name === 'string') &&
    (id === undefined || (typeof id === 'string' && TEMPLATE_ID.test(id))) &&
    (version === undefined ||
      (typeof version === 'string' && /^(\d+|\$Default|\$Latest)$/.test(version)));
  if (!fine) {
    problems.push({ key, value, message: rule });
    return {};
  }
  return value as TierLaunchTemplate;
}

function checkQueueName(prefix: string, tier: string, problems: Problem[]): void {
  const name = tierQueueName(prefix, tier);
  if (name.length <= MAX_QUEUE_NAME_LENGTH) return;

  problems.push({
    key: `${VARIABLE}.${tier}`,
    value: tier,
    message: `makes the queue name ${name} of ${name.length} characters; SQS allows ${MAX_QUEUE_NAME_LENGTH}, so shorten the tier or GHR_PREFIX`,
  });
}
