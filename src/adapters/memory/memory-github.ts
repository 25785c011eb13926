import { PlatformError } from '../../core/errors.js';
import type {
  GitHubApi,
  GitHubJob,
  GitHubRunner,
  InstallationInfo,
  JitConfig,
  JitRequest,
  RunnerScope,
} from '../../core/ports/github.js';

export interface RegisteredRunner extends GitHubRunner {
  readonly scope: RunnerScope;
}

/**
 * GitHub as a map of installations and registrations, for the core's unit tests. `failNext`
 * makes calls of one installation fail, the way an outage of its token minting would.
 */
export class MemoryGitHub implements GitHubApi {
  readonly installations = new Map<number, InstallationInfo>();
  readonly registered = new Map<number, RegisteredRunner>();
  readonly jitRequests: JitRequest[] = [];
  readonly calls: string[] = [];
  /** Jobs as GitHub reports them; a job not set here reads as still queued. */
  readonly jobs = new Map<number, GitHubJob | null>();
  private readonly failures = new Map<number, PlatformError[]>();
  private nextRunnerId = 1000;

  addInstallation(info: Omit<InstallationInfo, 'suspended'> & { suspended?: boolean }): void {
    this.installations.set(info.installationId, { suspended: false, ...info });
  }

  /** The next `count` calls made for `installationId` throw `error`. */
  failNext(installationId: number, error: PlatformError, count = 1): void {
    const queue = this.failures.get(installationId) ?? [];
    for (let i = 0; i < count; i += 1) queue.push(error);
    this.failures.set(installationId, queue);
  }

  async getInstallation(installationId: number): Promise<InstallationInfo> {
    this.record('getInstallation', installationId);
    const info = this.installations.get(installationId);
    if (info === undefined) {
      throw new PlatformError('not_found', `installation ${installationId} does not exist`);
    }
    return info;
  }

  async generateJitConfig(request: JitRequest): Promise<JitConfig> {
    this.record('generateJitConfig', request.installationId);
    this.jitRequests.push(request);
    const id = this.nextRunnerId++;
    this.registered.set(id, {
      id,
      name: request.runnerName,
      status: 'offline',
      busy: false,
      labels: request.labels,
      scope: {
        installationId: request.installationId,
        owner: request.owner,
        repo: request.repo,
      },
    });
    return { githubRunnerId: id, encodedJitConfig: `jit-${request.runnerName}` };
  }

  async findRunnerByName(scope: RunnerScope, name: string): Promise<GitHubRunner | undefined> {
    this.record('findRunnerByName', scope.installationId);
    return [...this.registered.values()].find((r) => r.name === name);
  }

  async deleteRunner(scope: RunnerScope, runnerId: number): Promise<void> {
    this.record('deleteRunner', scope.installationId);
    this.registered.delete(runnerId);
  }

  async listRunners(scope: RunnerScope): Promise<GitHubRunner[]> {
    this.record('listRunners', scope.installationId);
    return [...this.registered.values()].filter(
      (r) => r.scope.installationId === scope.installationId,
    );
  }

  async getJob(
    installationId: number,
    _repository: string,
    jobId: number,
  ): Promise<GitHubJob | undefined> {
    this.record('getJob', installationId);
    const job = this.jobs.get(jobId);
    if (job === null) return undefined;
    return job ?? { id: jobId, status: 'queued', runnerName: undefined, conclusion: undefined };
  }

  private record(call: string, installationId: number): void {
    this.calls.push(`${call}:${installationId}`);
    const error = this.failures.get(installationId)?.shift();
    if (error !== undefined) throw error;
  }
}
