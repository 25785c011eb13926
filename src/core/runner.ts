/**
 * One single-use runner. It is bound to one tenant and one tier for life, holds one slot from
 * the launch decision until it is `done`, and is never reused. States only move forward.
 */
export type RunnerState = 'launching' | 'idle' | 'busy' | 'done';

const RUNNER_RANK: Readonly<Record<RunnerState, number>> = {
  launching: 0,
  idle: 1,
  busy: 2,
  done: 3,
};

export interface Runner {
  readonly name: string;
  readonly installationId: number;
  readonly tier: string;
  /** The tenant's plan tier when the runner was launched, for tags and billing. */
  readonly tenantTier: string;
  /** `owner/name` for a repository-level runner (User accounts); undefined at org level. */
  readonly repository: string | undefined;
  readonly state: RunnerState;
  readonly githubRunnerId: number | undefined;
  readonly computeId: string | undefined;
  /** Instance type or shape it ran on. */
  readonly machine: string | undefined;
  readonly jobId: number | undefined;
  /** ISO times: the slot was taken; GitHub registered it; it took its job; it ended. */
  readonly launchedAt: string;
  readonly registeredAt: string | undefined;
  readonly startedAt: string | undefined;
  readonly doneAt: string | undefined;
  /** Why it ended: `completed`, `launch_failed`, `tenant_deleted`, `exited`, ... */
  readonly doneReason: string | undefined;
}

export interface RunnerPatch {
  readonly state?: RunnerState;
  readonly githubRunnerId?: number;
  readonly computeId?: string;
  readonly machine?: string;
  readonly jobId?: number;
  readonly doneReason?: string;
  readonly at: string;
}

export const ACTIVE_RUNNER_STATES: readonly RunnerState[] = ['launching', 'idle', 'busy'];
export const PENDING_RUNNER_STATES: readonly RunnerState[] = ['launching', 'idle'];

export function runnerMovesForward(from: RunnerState, to: RunnerState): boolean {
  return RUNNER_RANK[to] > RUNNER_RANK[from];
}

/**
 * Applies a patch. A state that would move backwards is ignored, and a done runner never
 * changes again. Returns the same object when nothing changed.
 */
export function applyRunnerPatch(runner: Runner, patch: RunnerPatch): Runner {
  if (runner.state === 'done') return runner;

  const state =
    patch.state !== undefined && runnerMovesForward(runner.state, patch.state)
      ? patch.state
      : runner.state;
  const next: Runner = {
    ...runner,
    state,
    githubRunnerId: patch.githubRunnerId ?? runner.githubRunnerId,
    computeId: patch.computeId ?? runner.computeId,
    machine: patch.machine ?? runner.machine,
    jobId: patch.jobId ?? runner.jobId,
    // Registered once GitHub knows the runner (its JIT config was minted), or once it is seen
    // online, whichever comes first.
    registeredAt:
      runner.registeredAt ??
      (patch.githubRunnerId !== undefined || state === 'idle' || state === 'busy'
        ? patch.at
        : undefined),
    startedAt: runner.startedAt ?? (state === 'busy' ? patch.at : undefined),
    doneAt: state === 'done' ? patch.at : runner.doneAt,
    doneReason: state === 'done' ? (patch.doneReason ?? 'done') : runner.doneReason,
  };
  return sameRunner(runner, next) ? runner : next;
}

function sameRunner(a: Runner, b: Runner): boolean {
  return (Object.keys(a) as (keyof Runner)[]).every((key) => a[key] === b[key]);
}
