import type { Job } from './job.js';
import type { PriceTable } from './pricing.js';
import { roundCost, runnerCost } from './pricing.js';
import type { Runner } from './runner.js';

export interface TierUsage {
  readonly runners: number;
  /** From launch to done: what the operator pays for, boot and idle included. */
  readonly runnerSeconds: number;
}

/** How `lines` are grouped: by the runner's tier, or by the UTC day it launched. */
export type UsageGrouping = 'tier' | 'day';

/** Runners that served a job, or runners that ended without one. */
export type UsageKind = 'jobs' | 'idle';

/** The figures of one line of a usage report. */
export interface UsageFigures {
  readonly runners: number;
  /** Jobs the runners served (a runner serves at most one). */
  readonly jobs: number;
  /** From launch to done: what the operator pays for, boot and idle included. */
  readonly runnerSeconds: number;
  /** From job start to job completion: what the customer sees. */
  readonly jobSeconds: number;
  /** Most of these runners alive at one moment. */
  readonly peakRunners: number;
  /** Estimated cost; undefined without a price table or when a runner has no price. */
  readonly cost: number | undefined;
}

export interface UsageLine extends UsageFigures {
  /** The tier name, or the day (`YYYY-MM-DD`, UTC). */
  readonly key: string;
  readonly kind: UsageKind;
  /** Whether the line counts towards the tenant's total. */
  readonly charged: boolean;
}

export interface TenantUsage {
  readonly installationId: number;
  readonly jobsCompleted: number;
  /** Most runners the tenant held at one moment. */
  readonly peakRunners: number;
  readonly byTier: Readonly<Record<string, TierUsage>>;
  /** Ordered by key, then jobs before idle. */
  readonly lines: readonly UsageLine[];
  /** The charged lines together; the peak is over their runners. */
  readonly total: UsageFigures;
  /** Runners not done yet: their seconds run up to `now`, so the figures still grow. */
  readonly openRunners: number;
  /** `<machine> (tier <tier>)` for every runner the price table has no price for. */
  readonly unpriced: readonly string[];
}

/** Which runners and how to report them; without options, everything, grouped by tier. */
export interface UsageOptions {
  /** ISO time; runners launched at or after it. */
  readonly since?: string;
  /** ISO time; runners launched before it. */
  readonly until?: string;
  readonly by?: UsageGrouping;
  readonly pricing?: PriceTable;
  /** Counts runners that never got a job towards the tenant's total. */
  readonly chargeIdle?: boolean;
}

/**
 * Sums the ledger per tenant. A runner belongs, whole, to the UTC day and to the period in
 * which it launched, so a closed month's report never changes and no runner is counted in two
 * periods. A runner still active is counted up to `now` (ISO). Peak concurrency is found by
 * sweeping over launch and done times; a runner that is done at the very moment another
 * launches does not overlap it.
 */
export function summariseUsage(
  runners: readonly Runner[],
  jobs: readonly Job[],
  now: string,
  options: UsageOptions = {},
): TenantUsage[] {
  const inPeriod = runners.filter((r) => launchedWithin(r, options));
  const completed = jobs.filter((j) => j.status === 'completed' && completedWithin(j, options));
  const jobsById = new Map(jobs.map((job) => [job.id, job]));
  const tenants = new Set([
    ...inPeriod.map((r) => r.installationId),
    ...completed.map((j) => j.installationId),
  ]);

  return [...tenants]
    .sort((a, b) => a - b)
    .map((installationId) => {
      const own = inPeriod.filter((r) => r.installationId === installationId);
      const metered = own.map((runner) => meterRunner(runner, jobsById, now, options.pricing));
      const lines = groupLines(metered, now, options);
      const charged = metered.filter((m) => options.chargeIdle || m.runner.jobId !== undefined);

      return {
        installationId,
        jobsCompleted: completed.filter((j) => j.installationId === installationId).length,
        peakRunners: peakOverlap(own, now),
        byTier: tierUsage(metered),
        lines,
        total: {
          ...sumFigures(charged, now, options.pricing),
          cost: sumCosts(lines.filter((line) => line.charged)),
        },
        openRunners: own.filter((r) => r.doneAt === undefined).length,
        unpriced: [...new Set(metered.flatMap((m) => (m.unpriced ? [m.unpriced] : [])))].sort(),
      };
    });
}

/** One runner's measured seconds and cost. */
interface MeteredRunner {
  readonly runner: Runner;
  readonly runnerSeconds: number;
  readonly jobSeconds: number;
  readonly cost: number | undefined;
  readonly unpriced: string | undefined;
}

function meterRunner(
  runner: Runner,
  jobsById: ReadonlyMap<number, Job>,
  now: string,
  pricing: PriceTable | undefined,
): MeteredRunner {
  const runnerSeconds = seconds(runner.launchedAt, runner.doneAt ?? now);
  const cost = pricing && runnerCost(pricing, runner, runnerSeconds);
  const unpriced =
    pricing && cost === undefined
      ? `${runner.machine ?? 'no machine'} (tier ${runner.tier})`
      : undefined;

  return { runner, runnerSeconds, jobSeconds: jobSeconds(runner, jobsById, now), cost, unpriced };
}

/** The job's own start and completion; the runner's when the ledger missed the job's. */
function jobSeconds(runner: Runner, jobsById: ReadonlyMap<number, Job>, now: string): number {
  if (runner.jobId === undefined) return 0;

  const job = jobsById.get(runner.jobId);
  const start = job?.startedAt ?? runner.startedAt;
  if (start === undefined) return 0;
  return seconds(start, job?.completedAt ?? runner.doneAt ?? now);
}

const KIND_ORDER: Readonly<Record<UsageKind, number>> = { jobs: 0, idle: 1 };

function groupLines(
  metered: readonly MeteredRunner[],
  now: string,
  options: UsageOptions,
): UsageLine[] {
  const groups = new Map<string, { key: string; kind: UsageKind; members: MeteredRunner[] }>();
  for (const entry of metered) {
    const key = options.by === 'day' ? dayOf(entry.runner.launchedAt) : entry.runner.tier;
    const kind: UsageKind = entry.runner.jobId === undefined ? 'idle' : 'jobs';
    const group = groups.get(`${key}\n${kind}`) ?? { key, kind, members: [] };
    group.members.push(entry);
    groups.set(`${key}\n${kind}`, group);
  }

  return [...groups.values()]
    .sort((a, b) => byText(a.key, b.key) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind])
    .map(({ key, kind, members }) => ({
      key,
      kind,
      charged: kind === 'jobs' || options.chargeIdle === true,
      ...sumFigures(members, now, options.pricing),
    }));
}

/** Sums the figures of some metered runners; `now` ends the active ones for their peak. */
function sumFigures(
  members: readonly MeteredRunner[],
  now: string,
  pricing: PriceTable | undefined,
): UsageFigures {
  const costs = members.map((m) => m.cost);
  const priced = pricing !== undefined && costs.every((cost) => cost !== undefined);

  return {
    runners: members.length,
    jobs: members.filter((m) => m.runner.jobId !== undefined).length,
    runnerSeconds: sumSeconds(members.map((m) => m.runnerSeconds)),
    jobSeconds: sumSeconds(members.map((m) => m.jobSeconds)),
    peakRunners: peakOverlap(
      members.map((m) => m.runner),
      now,
    ),
    cost: priced ? roundCost(costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0)) : undefined,
  };
}

/** Totals add the rounded lines, so a bill's lines add up to its total. */
function sumCosts(lines: readonly UsageLine[]): number | undefined {
  if (lines.some((line) => line.cost === undefined)) return undefined;
  return roundCost(lines.reduce((sum, line) => sum + (line.cost ?? 0), 0));
}

function tierUsage(metered: readonly MeteredRunner[]): Record<string, TierUsage> {
  const usage: Record<string, { runners: number; runnerSeconds: number }> = {};
  for (const { runner, runnerSeconds } of metered) {
    const entry = (usage[runner.tier] ??= { runners: 0, runnerSeconds: 0 });
    entry.runners += 1;
    entry.runnerSeconds = sumSeconds([entry.runnerSeconds, runnerSeconds]);
  }
  return usage;
}

/** Times are whole milliseconds: summed as such, so no float noise reaches a report. */
function sumSeconds(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + Math.round(value * 1000), 0) / 1000;
}

function peakOverlap(runners: readonly Runner[], now: string): number {
  const edges = runners.flatMap((r) => [
    { at: Date.parse(r.launchedAt), delta: 1 },
    { at: Date.parse(r.doneAt ?? now), delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);

  let current = 0;
  let peak = 0;
  for (const edge of edges) {
    current += edge.delta;
    peak = Math.max(peak, current);
  }
  return peak;
}

function launchedWithin(runner: Runner, options: UsageOptions): boolean {
  return within(runner.launchedAt, options);
}

function completedWithin(job: Job, options: UsageOptions): boolean {
  return job.completedAt === undefined || within(job.completedAt, options);
}

function within(at: string, options: UsageOptions): boolean {
  const time = Date.parse(at);
  if (options.since !== undefined && time < Date.parse(options.since)) return false;
  return options.until === undefined || time < Date.parse(options.until);
}

function dayOf(at: string): string {
  return new Date(Date.parse(at)).toISOString().slice(0, 10);
}

function seconds(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

function byText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
