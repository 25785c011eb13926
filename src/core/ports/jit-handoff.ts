import type { RunnerTags } from './compute.js';

/**
 * Hands a runner its single-use JIT config: the config is put here before the machine starts,
 * and the machine takes it (read and delete) when it boots. The value is a credential and is
 * never logged.
 */
export interface JitHandoff {
  put(runnerName: string, jitConfig: string, tags: RunnerTags): Promise<void>;

  /** Reads and removes the config; undefined when it was already taken or never put. */
  take(runnerName: string): Promise<string | undefined>;

  /** Removes the config if still there. Removing a missing one is not an error. */
  remove(runnerName: string): Promise<void>;

  /** Names of runners whose config is still waiting to be taken. */
  list(): Promise<string[]>;
}
