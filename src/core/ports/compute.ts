/** Tags carried by every machine and secret, for isolation checks and per-tenant billing. */
export interface RunnerTags {
  readonly 'ghr:tenant_id': string;
  readonly 'ghr:tenant_tier': string;
  readonly 'ghr:runner_tier': string;
  readonly 'ghr:environment': string;
  readonly 'ghr:runner_name': string;
}

export interface LaunchSpec {
  readonly runnerName: string;
  readonly installationId: number;
  readonly tier: string;
  readonly tenantTier: string;
  /** Instance types or shapes in order of preference (from the tier). */
  readonly instanceTypes: readonly string[];
  readonly spot: boolean;
  readonly tags: RunnerTags;
}

export interface LaunchedMachine {
  /** Process id, instance id, ...: whatever `stop` needs. */
  readonly computeId: string;
  /** What it actually runs on, for metering (instance type or shape). */
  readonly machine: string;
}

export interface MachineInfo {
  readonly computeId: string;
  /** What it runs on (instance type or shape), when the provider can tell. */
  readonly machine: string | undefined;
  readonly runnerName: string;
  readonly tags: RunnerTags;
  readonly launchedAt: string;
}

/**
 * Where runners run: local processes, EC2 instances. The runner's JIT config reaches the
 * machine through the `JitHandoff`, never through this interface.
 */
export interface ComputeProvider {
  /** Throws a PlatformError `capacity` (retryable) when no machine could be had. */
  launch(spec: LaunchSpec): Promise<LaunchedMachine>;

  /** Stops the machine; stopping one that is already gone is not an error. */
  stop(computeId: string): Promise<void>;

  /**
   * Stops the machine of the named runner when the ledger has no id for it yet (a launch
   * records none; the sweep copies it from `list`). A provider that would need a listing to
   * find it may do nothing, when its machines end themselves once their runner exits: EC2's
   * do (the launch template terminates on shutdown), and the sweep stops any left over.
   */
  stopRunner(runnerName: string): Promise<void>;

  list(filter?: { readonly installationId?: number }): Promise<MachineInfo[]>;
}
