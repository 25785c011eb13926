import type {
  ParameterStringFilter,
  PutParameterCommandInput,
  SSMClient,
} from '@aws-sdk/client-ssm';
import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';

import { PlatformError, ValidationError } from '../../core/errors.js';
import type { RunnerTags } from '../../core/ports/compute.js';
import type { JitHandoff } from '../../core/ports/jit-handoff.js';
import type { InstanceJitPublisher, RunnerInstance } from './ec2-jit-publisher.js';
import { awsTagList } from './ec2-runner-tags.js';
import type { ThrottleRetry } from './ec2-throttle-retry.js';
import { DEFAULT_THROTTLE_RETRY, retryWhenThrottled } from './ec2-throttle-retry.js';
import { toSsmPlatformError } from './ssm-errors.js';

export interface SsmJitHandoffOptions {
  readonly client: SSMClient;
  /** The deployment prefix; parameters live under `/<environment>/runners/`. */
  readonly environment: string;
  /** KMS key of the SecureStrings; the account's `alias/aws/ssm` when not given. */
  readonly kmsKeyId?: string;
  readonly throttleRetry?: ThrottleRetry;
}

interface PendingConfig {
  readonly jitConfig: string;
  readonly tags: RunnerTags;
}

/** `/<environment>/runners`: where every waiting JIT config of one deployment is. */
export function jitParameterPath(environment: string): string {
  return `/${environment}/runners`;
}

/** The parameter one instance reads its JIT config from; its boot script builds the same. */
export function jitParameterName(environment: string, instanceId: string): string {
  return `${jitParameterPath(environment)}/${instanceId}`;
}

// SSM reserves names that begin with aws or ssm, in any case.
const ENVIRONMENT = /^(?![Aa][Ww][Ss]|[Ss][Ss][Mm])[A-Za-z0-9_.-]{1,64}$/;
const DESCRIBE_PAGE = 50;
const DELETE_BATCH = 10;
const RECENT_WRITES = 1_000;

/**
 * JIT configs handed to EC2 runners as SecureString parameters, one per instance at
 * `/<environment>/runners/<instance id>`. The instance's role may read and delete a parameter
 * only when its `ghr:instance_arn` tag is the instance's own ARN, so the config can only be
 * stored once the instance exists: `put` keeps it in memory, and `publish` (called by
 * `Ec2Compute.launch` right after CreateFleet) writes it. The parameter's description is the
 * runner's name, so `list` finds every waiting runner in one paginated call.
 */
export class SsmJitHandoff implements JitHandoff, InstanceJitPublisher {
  private readonly pending = new Map<string, PendingConfig>();
  /**
   * Parameters this process wrote lately, by runner: a launch that fails right after the write
   * removes its parameter without waiting for a listing to show it. Capped, since a parameter
   * that was taken says nothing to this process.
   */
  private readonly written = new Map<string, string>();
  private readonly path: string;
  private readonly retry: ThrottleRetry;

  constructor(private readonly options: SsmJitHandoffOptions) {
    if (!ENVIRONMENT.test(options.environment)) {
      throw new ValidationError('SSM JIT handoff settings', [
        {
          key: 'environment',
          value: options.environment,
          message:
            'must be 1 to 64 letters, digits, dots, dashes or underscores, not starting with aws or ssm',
        },
      ]);
    }
    this.path = jitParameterPath(options.environment);
    this.retry = options.throttleRetry ?? DEFAULT_THROTTLE_RETRY;
  }

  async put(runnerName: string, jitConfig: string, tags: RunnerTags): Promise<void> {
    this.pending.set(runnerName, { jitConfig, tags });
  }

  async publish(runnerName: string, instance: RunnerInstance): Promise<void> {
    const pending = this.pending.get(runnerName);
    if (pending === undefined) {
      throw new PlatformError(
        'not_found',
        `storing the JIT config of runner ${runnerName} for instance ${instance.instanceId}: no config was put for this runner in this process`,
        { retryable: false },
      );
    }

    const name = jitParameterName(this.options.environment, instance.instanceId);
    // Noted before the write, so a write whose answer was lost is still removed by `remove`.
    this.noteWritten(runnerName, name);
    await this.write(name, runnerName, pending, instance);

    this.pending.delete(runnerName);
  }

  async take(runnerName: string): Promise<string | undefined> {
    const pending = this.pending.get(runnerName);
    if (pending !== undefined) {
      this.pending.delete(runnerName);
      return pending.jitConfig;
    }

    for (const name of await this.parametersOf(runnerName)) {
      const value = await this.read(name);
      // Whoever deletes the parameter took it; a second taker finds it gone.
      if (value === undefined || !(await this.deleteOne(name))) continue;
      this.written.delete(runnerName);
      return value;
    }
    return undefined;
  }

  async remove(runnerName: string): Promise<void> {
    this.pending.delete(runnerName);

    const names = await this.parametersOf(runnerName);
    for (let start = 0; start < names.length; start += DELETE_BATCH) {
      const batch = names.slice(start, start + DELETE_BATCH);
      // Names already gone come back as InvalidParameters, not as an error.
      await this.call(`removing the JIT config of runner ${runnerName} (${batch.join(', ')})`, () =>
        this.options.client.send(new DeleteParametersCommand({ Names: batch })),
      );
    }

    this.written.delete(runnerName);
  }

  async list(): Promise<string[]> {
    const runners = new Set(this.pending.keys());

    const waiting = await this.describe([{ Key: 'Path', Option: 'OneLevel', Values: [this.path] }]);
    for (const parameter of waiting) {
      if (parameter.runnerName !== undefined) runners.add(parameter.runnerName);
    }
    return [...runners].sort();
  }

  private async write(
    name: string,
    runnerName: string,
    pending: PendingConfig,
    instance: RunnerInstance,
  ): Promise<void> {
    const input: PutParameterCommandInput = {
      Name: name,
      Value: pending.jitConfig,
      Type: 'SecureString',
      KeyId: this.options.kmsKeyId,
      Description: runnerName,
      // Standard holds 4 KB; a JIT config carries a private key and may need Advanced's 8 KB.
      Tier: 'Intelligent-Tiering',
    };
    const tags = [
      ...awsTagList(pending.tags),
      { Key: 'ghr:instance_id', Value: instance.instanceId },
      { Key: 'ghr:instance_arn', Value: instance.instanceArn },
    ];
    const attempted = `storing the JIT config of runner ${runnerName} at ${name}`;

    try {
      await this.call(attempted, () =>
        this.options.client.send(new PutParameterCommand({ ...input, Tags: tags })),
      );
    } catch (error) {
      if (!(error instanceof PlatformError) || error.code !== 'conflict') throw error;

      // Only a repeated launch of the same runner lands on the same instance id; its tags are
      // there already, and SSM takes no tags on an overwrite.
      await this.call(attempted, () =>
        this.options.client.send(new PutParameterCommand({ ...input, Overwrite: true })),
      );
    }
  }

  private async read(name: string): Promise<string | undefined> {
    try {
      const output = await this.call(`reading the JIT config at ${name}`, () =>
        this.options.client.send(new GetParameterCommand({ Name: name, WithDecryption: true })),
      );
      return output.Parameter?.Value;
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  /** True when this call deleted the parameter, false when it was already gone. */
  private async deleteOne(name: string): Promise<boolean> {
    try {
      await this.call(`deleting the JIT config at ${name}`, () =>
        this.options.client.send(new DeleteParameterCommand({ Name: name })),
      );
      return true;
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'not_found') return false;
      throw error;
    }
  }

  private noteWritten(runnerName: string, name: string): void {
    this.written.delete(runnerName);
    this.written.set(runnerName, name);
    if (this.written.size <= RECENT_WRITES) return;

    const oldest = this.written.keys().next().value;
    if (oldest !== undefined) this.written.delete(oldest);
  }

  /** The parameters holding a runner's config: written here lately, or found by its name tag. */
  private async parametersOf(runnerName: string): Promise<string[]> {
    const written = this.written.get(runnerName);
    if (written !== undefined) return [written];

    const found = await this.describe([
      { Key: 'Path', Option: 'OneLevel', Values: [this.path] },
      { Key: 'tag:ghr:runner_name', Values: [runnerName] },
    ]);
    return found.map((parameter) => parameter.name);
  }

  private async describe(
    filters: ParameterStringFilter[],
  ): Promise<{ name: string; runnerName: string | undefined }[]> {
    const parameters: { name: string; runnerName: string | undefined }[] = [];

    let nextToken: string | undefined;
    do {
      const page = await this.call(`listing the JIT configs under ${this.path}`, () =>
        this.options.client.send(
          new DescribeParametersCommand({
            ParameterFilters: filters,
            MaxResults: DESCRIBE_PAGE,
            NextToken: nextToken,
          }),
        ),
      );
      for (const parameter of page.Parameters ?? []) {
        if (parameter.Name === undefined) continue;
        parameters.push({ name: parameter.Name, runnerName: parameter.Description || undefined });
      }
      nextToken = page.NextToken;
    } while (nextToken);

    return parameters;
  }

  private call<T>(attempted: string, send: () => Promise<T>): Promise<T> {
    return retryWhenThrottled(async () => {
      try {
        return await send();
      } catch (error) {
        throw toSsmPlatformError(error, attempted);
      }
    }, this.retry);
  }
}
