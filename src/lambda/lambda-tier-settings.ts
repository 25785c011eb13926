import type { Problem } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';
import type { TierCatalog } from '../core/tier.js';
import type { Ec2TierLaunch, LaunchTemplateRef } from '../adapters/aws/ec2-tier-launch.js';
import { checkEc2Tiers, isInstanceTypeList } from '../adapters/aws/ec2-tier-launch.js';
import { MAX_QUEUE_NAME_LENGTH, tierQueueName } from '../adapters/aws/sqs-work-message.js';
import { SettingsMap, isPlainMap } from '../config/settings-map.js';
import { readTierCatalog } from '../config/tier-settings.js';

export interface LambdaTiers {
  readonly catalog: TierCatalog;
  /** Per tier, where its instances start: the launch template and subnets. */
  readonly launch: Readonly<Record<string, Ec2TierLaunch>>;
}

const VARIABLE = 'GHR_TIERS';
const TEMPLATE_VERSION = /^(\d+|\$Default|\$Latest)$/;
const TEMPLATE_RULE =
  'must be a launch template id (lt-...), a name, or { "id" | "name", "version" } of strings';

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

  const launch: Record<string, Ec2TierLaunch> = {};
  const tiers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!isPlainMap(value)) {
      tiers[name] = value;
      continue;
    }
    const { launch_template: template, subnet_ids: subnets, ...tier } = value;
    tiers[name] = tier;
    const shaped = shapeLaunch(name, template, subnets, problems);
    if (shaped !== undefined) launch[name] = shaped;
    checkInstanceTypes(name, tier['instance_types'], problems);
    checkQueueName(prefix, name, problems);
  }

  checkLaunchRules(launch, problems);
  const catalog = readCatalog(env, tiers, problems);
  return problems.length > before || catalog === undefined ? undefined : { catalog, launch };
}

/** The file allows a tier without instance types (a local command); EC2 needs one at least. */
function checkInstanceTypes(tier: string, types: unknown, problems: Problem[]): void {
  // A value that is not a list of strings is reported by the tier rules already.
  const strings = Array.isArray(types) && types.every((type) => typeof type === 'string');
  if (types !== undefined && !strings) return;
  if (strings && isInstanceTypeList(types)) return;

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

/** The launch settings in the adapter's shape, or undefined (with a problem) when malformed. */
function shapeLaunch(
  tier: string,
  template: unknown,
  subnets: unknown,
  problems: Problem[],
): Ec2TierLaunch | undefined {
  const key = `${VARIABLE}.${tier}`;
  const launchTemplate = shapeTemplate(template);
  const subnetIds =
    Array.isArray(subnets) && subnets.every((subnet) => typeof subnet === 'string')
      ? (subnets as string[])
      : undefined;

  if (launchTemplate === undefined) {
    problems.push({ key: `${key}.launch_template`, value: template, message: TEMPLATE_RULE });
  }
  if (subnetIds === undefined) {
    problems.push({
      key: `${key}.subnet_ids`,
      value: subnets,
      message: 'must be a list of subnet ids (subnet-...)',
    });
  }
  return launchTemplate && subnetIds && { launchTemplate, subnetIds };
}

/** `"lt-0abc…"` is an id, any other string a name; or `{ id | name, version? }`. */
function shapeTemplate(value: unknown): LaunchTemplateRef | undefined {
  if (typeof value === 'string' && value.trim() !== '') {
    return value.startsWith('lt-') ? { id: value } : { name: value };
  }
  if (!isPlainMap(value)) return undefined;

  const { id, name, version, ...rest } = value;
  const text = (field: unknown) => field === undefined || typeof field === 'string';
  const fine =
    Object.keys(rest).length === 0 &&
    text(id) &&
    text(name) &&
    (version === undefined || (typeof version === 'string' && TEMPLATE_VERSION.test(version)));
  return fine ? (value as LaunchTemplateRef) : undefined;
}

/** The EC2 adapter's own rules on the well-formed settings, keyed by variable. */
function checkLaunchRules(launch: Record<string, Ec2TierLaunch>, problems: Problem[]): void {
  if (Object.keys(launch).length === 0) return;

  try {
    checkEc2Tiers(launch);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const problem of error.problems) {
      problems.push({ ...problem, key: variableKey(problem.key) });
    }
  }
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
