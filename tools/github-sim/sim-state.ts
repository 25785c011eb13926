import type { SimInstallation, SimJob, SimRunner } from './simulator-types.js';

/** An installation as the simulator keeps it, with ids assigned to its account and repos. */
export interface InstallationRecord {
  id: number;
  account: { login: string; id: number; type: 'Organization' | 'User' };
  repositories: { name: string; id: number }[];
  suspendedAt: number | undefined;
  createdAt: number;
}

export interface TokenRecord {
  installationId: number;
  expiresAt: number;
}

export interface RunnerGroupRecord {
  id: number;
  name: string;
  default: boolean;
}

/** A registered runner, plus what the fake runner's protocol needs to know about it. */
export interface RunnerRecord extends SimRunner {
  os: string;
  /** The secret inside its JIT config; consumed by the first connect. */
  credential: string;
  credentialUsed: boolean;
  /** Issued on connect; the runner names itself with it afterwards. */
  session: string | undefined;
  createdAt: number;
}

export interface JobRecord extends SimJob {
  name: string;
  workflowName: string;
  headSha: string;
  createdAt: number;
  startedAt: number | undefined;
  completedAt: number | undefined;
  runnerGroupId: number | undefined;
  runnerGroupName: string | undefined;
  /** A job is offered to runners only once its queued webhook went out (or was skipped). */
  announced: boolean;
}

/** Id ranges are apart so a test that mixes up a job id and a runner id fails loudly. */
const FIRST_ID = {
  account: 100_001,
  repository: 200_001,
  runner: 1_001,
  runnerGroup: 2,
  label: 31,
  job: 7_000_000_001,
  run: 5_000_000_001,
} as const;

type IdKind = keyof typeof FIRST_ID;

/** Everything the simulated GitHub knows; route handlers read and change it. */
export class SimState {
  readonly installations = new Map<number, InstallationRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly minted = new Map<number, number>();
  readonly runners = new Map<number, RunnerRecord>();
  readonly jobs = new Map<number, JobRecord>();
  private readonly groups = new Map<string, RunnerGroupRecord[]>();
  private readonly labelIds = new Map<string, number>();
  private readonly counters = new Map<IdKind, number>();

  nextId(kind: IdKind): number {
    const id = this.counters.get(kind) ?? FIRST_ID[kind];
    this.counters.set(kind, id + 1);
    return id;
  }

  addInstallation(installation: SimInstallation, now: number): InstallationRecord {
    const { account } = installation;
    const record: InstallationRecord = {
      id: installation.id,
      account: {
        login: account.login,
        id: account.id ?? this.nextId('account'),
        type: account.type,
      },
      repositories: installation.repositories.map((name) => ({
        name,
        id: this.nextId('repository'),
      })),
      suspendedAt: installation.suspended ? now : undefined,
      createdAt: now,
    };
    this.installations.set(record.id, record);
    if (account.type === 'Organization') this.runnerGroups(account.login);
    return record;
  }

  /** An org's runner groups; the first look creates its default group. */
  runnerGroups(org: string): RunnerGroupRecord[] {
    const key = org.toLowerCase();
    const existing = this.groups.get(key);
    if (existing) return existing;

    const created = [{ id: this.nextId('runnerGroup'), name: 'Default', default: true }];
    this.groups.set(key, created);
    return created;
  }

  addRunnerGroup(org: string, group: { name: string; default?: boolean }): RunnerGroupRecord {
    const groups = this.runnerGroups(org);
    if (groups.some((g) => g.name.toLowerCase() === group.name.toLowerCase())) {
      throw new Error(`adding runner group '${group.name}' to ${org}: the name is taken`);
    }

    const record = { id: this.nextId('runnerGroup'), name: group.name, default: false };
    if (group.default) {
      for (const g of groups) g.default = false;
      record.default = true;
    }
    groups.push(record);
    return record;
  }

  /** GitHub numbers each distinct label once. */
  labelId(name: string): number {
    const key = name.toLowerCase();
    const known = this.labelIds.get(key);
    if (known !== undefined) return known;

    const id = this.nextId('label');
    this.labelIds.set(key, id);
    return id;
  }

  /** Runners registered in one scope: the org (repo undefined) or one repository. */
  runnersInScope(owner: string, repo: string | undefined): RunnerRecord[] {
    const o = owner.toLowerCase();
    const r = repo?.toLowerCase();
    return [...this.runners.values()].filter(
      (runner) => runner.owner.toLowerCase() === o && runner.repo?.toLowerCase() === r,
    );
  }

  /** The public view of a runner, without its credential and session. */
  publicRunner(runner: RunnerRecord): SimRunner {
    const { id, name, installationId, owner, repo, labels, runnerGroupId, status, busy } = runner;
    return {
      id,
      name,
      installationId,
      owner,
      ...(repo === undefined ? {} : { repo }),
      labels: [...labels],
      ...(runnerGroupId === undefined ? {} : { runnerGroupId }),
      status,
      busy,
    };
  }

  publicJob(job: JobRecord): SimJob {
    const { id, runId, installationId, repository, labels, status, durationMs } = job;
    return {
      id,
      runId,
      installationId,
      repository,
      labels: [...labels],
      status,
      ...(job.runnerName === undefined ? {} : { runnerName: job.runnerName }),
      ...(job.runnerId === undefined ? {} : { runnerId: job.runnerId }),
      durationMs,
      ...(job.conclusion === undefined ? {} : { conclusion: job.conclusion }),
    };
  }
}
