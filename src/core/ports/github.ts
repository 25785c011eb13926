import type { AccountType } from '../tenant.js';

export interface InstallationInfo {
  readonly installationId: number;
  readonly accountLogin: string;
  readonly accountType: AccountType;
  readonly suspended: boolean;
}

/** Where a runner registers: the whole organisation, or one repository of a User account. */
export interface RunnerScope {
  readonly installationId: number;
  readonly owner: string;
  /** Repository name (without owner) for a repository-level runner. */
  readonly repo: string | undefined;
}

export interface JitRequest extends RunnerScope {
  readonly runnerName: string;
  readonly labels: readonly string[];
  /** Runner group by name (org scope only); undefined picks the group marked default. */
  readonly runnerGroup: string | undefined;
  readonly workFolder: string;
}

export interface JitConfig {
  readonly githubRunnerId: number;
  /** The secret the runner boots from. Never log it. */
  readonly encodedJitConfig: string;
}

export interface GitHubRunner {
  readonly id: number;
  readonly name: string;
  readonly status: 'online' | 'offline';
  readonly busy: boolean;
  readonly labels: readonly string[];
}

/** A workflow job as GitHub reports it now. */
export interface GitHubJob {
  readonly id: number;
  readonly status: 'waiting' | 'queued' | 'in_progress' | 'completed';
  readonly runnerName: string | undefined;
  readonly conclusion: string | undefined;
}

/**
 * The GitHub API as the product uses it, with auth, token caching and rate limits handled
 * inside. Errors are PlatformErrors: `throttled`, `unavailable` (retryable), `rejected`,
 * `conflict`, `not_found`, `unauthorized` (not retryable).
 */
export interface GitHubApi {
  getInstallation(installationId: number): Promise<InstallationInfo>;

  /**
   * Registers a JIT runner. Never retried blindly after a 5xx: GitHub may have made the runner,
   * so it is looked up by name first. A 409 for a name we own that sits idle is resolved by
   * deleting that runner and trying once more.
   */
  generateJitConfig(request: JitRequest): Promise<JitConfig>;

  findRunnerByName(scope: RunnerScope, name: string): Promise<GitHubRunner | undefined>;

  /** Deletes a registration; a runner already gone is not an error. */
  deleteRunner(scope: RunnerScope, runnerId: number): Promise<void>;

  listRunners(scope: RunnerScope): Promise<GitHubRunner[]>;

  /** The job's state now; undefined when GitHub no longer knows it. */
  getJob(installationId: number, repository: string, jobId: number): Promise<GitHubJob | undefined>;
}
