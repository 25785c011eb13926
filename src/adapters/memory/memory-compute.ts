import { PlatformError } from '../../core/errors.js';
import type {
  ComputeProvider,
  LaunchSpec,
  LaunchedMachine,
  MachineInfo,
} from '../../core/ports/compute.js';
import type { JitHandoff } from '../../core/ports/jit-handoff.js';

/**
 * Machines as records, for the core's unit tests. A launch takes the JIT config from the
 * handoff as a booting machine would; `peak` tracks the most machines of each tenant that
 * ever ran at once, so tests can check a limit held at every moment, not only at the end.
 */
export class MemoryCompute implements ComputeProvider {
  readonly running = new Map<string, MachineInfo & { jitConfig: string }>();
  readonly launches: LaunchSpec[] = [];
  readonly peak = new Map<number, number>();
  private failuresLeft = 0;
  private nextId = 1;

  constructor(private readonly handoff: JitHandoff) {}

  /** The next `count` launches fail with a capacity error. */
  failLaunches(count: number): void {
    this.failuresLeft = count;
  }

  async launch(spec: LaunchSpec): Promise<LaunchedMachine> {
    this.launches.push(spec);
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new PlatformError('capacity', `no capacity for ${spec.instanceTypes.join(', ')}`);
    }
    const jitConfig = await this.handoff.take(spec.runnerName);
    if (jitConfig === undefined) {
      throw new PlatformError('not_found', `no JIT config for runner ${spec.runnerName}`);
    }

    const computeId = `m-${this.nextId++}`;
    const machine = spec.instanceTypes[0] ?? 'memory';
    this.running.set(computeId, {
      computeId,
      machine,
      runnerName: spec.runnerName,
      tags: spec.tags,
      launchedAt: new Date(0).toISOString(),
      jitConfig,
    });
    const count = this.countFor(spec.installationId);
    this.peak.set(spec.installationId, Math.max(this.peak.get(spec.installationId) ?? 0, count));
    return { computeId, machine };
  }

  async stop(computeId: string): Promise<void> {
    this.running.delete(computeId);
  }

  async stopRunner(runnerName: string): Promise<void> {
    for (const machine of this.running.values()) {
      if (machine.runnerName === runnerName) this.running.delete(machine.computeId);
    }
  }

  async list(filter: { installationId?: number } = {}): Promise<MachineInfo[]> {
    return [...this.running.values()].filter(
      (m) =>
        filter.installationId === undefined ||
        m.tags['ghr:tenant_id'] === String(filter.installationId),
    );
  }

  countFor(installationId: number): number {
    return [...this.running.values()].filter(
      (m) => m.tags['ghr:tenant_id'] === String(installationId),
    ).length;
  }
}
