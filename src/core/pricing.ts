import type { Runner } from './runner.js';

/** What a price is per: EC2 and most clouds quote per hour, some CI vendors per minute. */
export type RateUnit = 'hour' | 'minute';

/** One price: `amount` of the table's currency per `per`. */
export interface Rate {
  readonly amount: number;
  readonly per: RateUnit;
}

/**
 * The operator's price table for cost estimates. A runner is priced by the machine it ran on
 * (its instance type or local shape) when that has a price, else by its tier.
 */
export interface PriceTable {
  readonly currency: string;
  readonly instanceTypes: Readonly<Record<string, Rate>>;
  readonly tiers: Readonly<Record<string, Rate>>;
}

/** Billed per second, with at least this much per runner, as EC2 bills Linux instances. */
export const MINIMUM_BILLED_SECONDS = 60;

/** Decimal places each cost line is rounded to. */
export const COST_DECIMALS = 4;

/** The rounding, as the report and the docs state it. */
export const BILLING_RULE =
  `per second, at least ${MINIMUM_BILLED_SECONDS} s per runner, a started second counted ` +
  `whole; a runner that never got a machine costs nothing; each line rounded to ` +
  `${COST_DECIMALS} decimal places, and totals summed from the rounded lines`;

const UNIT_SECONDS: Readonly<Record<RateUnit, number>> = { hour: 3600, minute: 60 };

/** The rate that applies to the runner, or undefined when the table has none for it. */
export function rateFor(
  table: PriceTable,
  runner: Pick<Runner, 'machine' | 'tier'>,
): Rate | undefined {
  const byMachine = runner.machine === undefined ? undefined : table.instanceTypes[runner.machine];
  return byMachine ?? table.tiers[runner.tier];
}

/** Seconds billed for a runner that ran `seconds`. */
export function billedSeconds(seconds: number): number {
  return Math.max(MINIMUM_BILLED_SECONDS, Math.ceil(seconds));
}

/**
 * What one runner cost, unrounded; undefined when the table has no price for it. A runner
 * with no machine on record that never took a job cost the operator nothing: its launch failed,
 * or it ended before any sweep saw a machine for it.
 */
export function runnerCost(
  table: PriceTable,
  runner: Pick<Runner, 'machine' | 'tier' | 'computeId' | 'startedAt'>,
  seconds: number,
): number | undefined {
  if (
    runner.machine === undefined &&
    runner.computeId === undefined &&
    runner.startedAt === undefined
  ) {
    return 0;
  }

  const rate = rateFor(table, runner);
  if (rate === undefined) return undefined;
  return (rate.amount * billedSeconds(seconds)) / UNIT_SECONDS[rate.per];
}

/** Rounds half away from zero to {@link COST_DECIMALS} places. */
export function roundCost(amount: number): number {
  const scale = 10 ** COST_DECIMALS;
  return Math.sign(amount) * (Math.round(Math.abs(amount) * scale + Number.EPSILON) / scale);
}
