/** The instance a runner got, as the access rule on its JIT config names it. */
export interface RunnerInstance {
  readonly instanceId: string;
  readonly instanceArn: string;
}

/**
 * What `Ec2Compute` needs from the JIT handoff. The config can only be stored where the
 * instance will look for it, under the instance's own id, once that id exists: right after
 * CreateFleet answers and before the instance has booted far enough to ask.
 */
export interface InstanceJitPublisher {
  publish(runnerName: string, instance: RunnerInstance): Promise<void>;
}
