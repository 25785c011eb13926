import { generateKeyPairSync } from 'node:crypto';

import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';

import {
  createGitHubApi,
  type GitHubApiOptions,
} from '../../../src/adapters/github/octokit-github.js';
import {
  createMemoryLogger,
  type MemoryLogger,
} from '../../../src/adapters/telemetry/json-logger.js';
import type { GitHubApi, JitRequest, RunnerScope } from '../../../src/core/ports/github.js';
import {
  startGitHubSimulator,
  type GitHubSimulator,
  type SimJitConfig,
  type SimulatorOptions,
} from '../../../tools/github-sim/index.js';

export const APP_ID = 424_242;
export const PREFIX = 'ghr';

/** GitHub issues App keys in PKCS#1; the pair is made once per test file. */
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});
export const PRIVATE_KEY_PEM = keys.privateKey;

/** The tenants every fixture starts with. */
export const ACME = { installationId: 1001, owner: 'acme', repo: undefined } as const;
export const BETA = { installationId: 3003, owner: 'beta', repo: undefined } as const;
export const ALICE = { installationId: 2002, owner: 'alice', repo: 'dotfiles' } as const;

export const SMALL_LABELS = ['self-hosted', 'Linux', 'X64', 'Small'] as const;

export interface GitHubFixture {
  readonly sim: GitHubSimulator;
  readonly api: GitHubApi;
  readonly logger: MemoryLogger;
  /** Every wait the adapter asked for through the injected sleep. */
  readonly sleeps: number[];
  /** Another adapter on the same simulator, e.g. with another base URL or a real sleep. */
  apiWith(overrides: Partial<GitHubApiOptions>): GitHubApi;
  close(): Promise<void>;
}

/** A simulator with the standard tenants, and an adapter aimed at it whose sleep returns at once. */
export async function startFixture(
  simOptions: Partial<SimulatorOptions> = {},
  apiOptions: Partial<GitHubApiOptions> = {},
): Promise<GitHubFixture> {
  const sim = await startGitHubSimulator({
    appId: APP_ID,
    appPublicKeyPem: keys.publicKey,
    ...simOptions,
  });
  sim.addInstallation({
    id: ACME.installationId,
    account: { login: ACME.owner, type: 'Organization' },
    repositories: ['app', 'web'],
  });
  sim.addInstallation({
    id: BETA.installationId,
    account: { login: BETA.owner, type: 'Organization' },
    repositories: ['service'],
  });
  sim.addInstallation({
    id: ALICE.installationId,
    account: { login: ALICE.owner, type: 'User' },
    repositories: [ALICE.repo],
  });

  const logger = createMemoryLogger();
  const sleeps: number[] = [];
  const apiWith = (overrides: Partial<GitHubApiOptions>) =>
    createGitHubApi({
      appId: APP_ID,
      privateKeyPem: PRIVATE_KEY_PEM,
      baseUrl: sim.url,
      logger,
      runnerNamePrefix: PREFIX,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...apiOptions,
      ...overrides,
    });

  return { sim, api: apiWith({}), logger, sleeps, apiWith, close: () => sim.close() };
}

/** A JIT request for one of the standard tenants. */
export function jitRequest(
  scope: RunnerScope,
  runnerName: string,
  more: Partial<JitRequest> = {},
): JitRequest {
  return {
    ...scope,
    runnerName,
    labels: SMALL_LABELS,
    runnerGroup: undefined,
    workFolder: '_work',
    ...more,
  };
}

/** What the simulator put inside an `encoded_jit_config`. */
export function decodeJitConfig(encoded: string): SimJitConfig {
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as SimJitConfig;
}

/**
 * A plain Octokit for one installation, without the adapter, to set the simulator up through
 * its REST API (for example to register many runners quickly).
 */
export function setupClient(sim: GitHubSimulator, installationId: number): Octokit {
  return new Octokit({
    baseUrl: sim.url,
    authStrategy: createAppAuth,
    auth: { appId: APP_ID, privateKey: PRIVATE_KEY_PEM, installationId },
  });
}

/**
 * Makes a registered runner busy the way GitHub does: the runner connects with its JIT config
 * and is handed a queued job whose labels it covers.
 */
export async function makeBusy(
  sim: GitHubSimulator,
  encodedJitConfig: string,
  repository: string,
): Promise<void> {
  const config = decodeJitConfig(encodedJitConfig);
  const connected = await simPost(sim, '/_sim/runner/connect', {
    runner_id: config.runner_id,
    credential: config.credential,
  });
  const runner = sim.runners().find((r) => r.id === config.runner_id);
  if (!runner) throw new Error(`runner ${config.runner_id} is not in the simulator`);

  await sim.queueJob({
    installationId: runner.installationId,
    repository,
    labels: runner.labels,
    durationMs: 60_000,
  });
  const acquired = await simPost(sim, '/_sim/runner/acquire', {
    session: connected.session,
    wait_ms: 5_000,
  });
  if (acquired.job === undefined) throw new Error(`runner ${runner.name} was given no job`);
}

async function simPost(
  sim: GitHubSimulator,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  if (response.status === 204) return {};
  return (await response.json()) as Record<string, unknown>;
}

/** `<route> <status>` of every call the simulator answered on a runner route, in order. */
export function runnerCallsOf(sim: GitHubSimulator): string[] {
  return sim
    .requests()
    .filter((r) => r.route.includes('/actions/runners'))
    .map((r) => `${r.route} ${r.status}`);
}

/** Polls until `condition` holds; fails after `timeoutMs` with `what` in the message. */
export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
