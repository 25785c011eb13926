import type { RunnerTags } from '../../core/ports/compute.js';
import type { JitHandoff } from '../../core/ports/jit-handoff.js';

interface Handoff {
  readonly jitConfig: string;
  readonly tags: RunnerTags;
}

/**
 * JIT configs held in process memory until the local runner takes them. The embedded mode
 * uses this for real, so a config never reaches the disk.
 */
export class MemoryJitHandoff implements JitHandoff {
  private readonly handoffs = new Map<string, Handoff>();

  async put(runnerName: string, jitConfig: string, tags: RunnerTags): Promise<void> {
    this.handoffs.set(runnerName, { jitConfig, tags });
  }

  async take(runnerName: string): Promise<string | undefined> {
    const handoff = this.handoffs.get(runnerName);
    this.handoffs.delete(runnerName);
    return handoff?.jitConfig;
  }

  async remove(runnerName: string): Promise<void> {
    this.handoffs.delete(runnerName);
  }

  async list(): Promise<string[]> {
    return [...this.handoffs.keys()].sort();
  }
}
