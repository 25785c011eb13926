import { randomBytes } from 'node:crypto';

import type { JobDispatcher } from './job-dispatch.js';
import type { JobLifecycle } from './job-lifecycle.js';
import { json, type SimResponse } from './sim-response.js';
import type { RunnerRecord, SimState } from './sim-state.js';

/** A runner asks again after this long without a job, as the official runner's long poll does. */
const LONG_POLL_MS = 20_000;

type Body = Record<string, unknown>;

/**
 * The simulator-only protocol the fake runner speaks under `/_sim/runner/`: connect with the
 * JIT credential (once), wait for a job, report it done, or go offline.
 */
export class RunnerProtocol {
  constructor(
    private readonly state: SimState,
    private readonly dispatcher: JobDispatcher,
    private readonly lifecycle: JobLifecycle,
  ) {}

  async handle(
    method: string,
    path: string,
    body: Body,
    signal: AbortSignal,
  ): Promise<SimResponse> {
    if (method !== 'POST') return json(405, { message: `use POST for ${path}` });

    switch (path) {
      case '/_sim/runner/connect':
        return this.connect(body);
      case '/_sim/runner/acquire':
        return this.acquire(body, signal);
      case '/_sim/runner/complete':
        return this.complete(body);
      case '/_sim/runner/disconnect':
        return this.disconnect(body);
      default:
        return json(404, { message: `no runner protocol step at ${path}` });
    }
  }

  private connect(body: Body): SimResponse {
    const runner = this.state.runners.get(Number(body.runner_id));
    if (!runner || typeof body.credential !== 'string' || body.credential !== runner.credential) {
      return json(401, { message: 'connecting: no runner registration matches this JIT config' });
    }
    if (runner.credentialUsed) {
      return json(409, {
        message: `connecting: the JIT config of runner ${runner.name} was used already`,
      });
    }

    runner.credentialUsed = true;
    runner.session = randomBytes(16).toString('hex');
    runner.status = 'online';
    return json(200, { session: runner.session, runner_id: runner.id, runner_name: runner.name });
  }

  private async acquire(body: Body, signal: AbortSignal): Promise<SimResponse> {
    const runner = this.bySession(body);
    if (!runner) return gone();
    if (runner.busy)
      return json(409, { message: `acquiring: runner ${runner.name} is running a job` });

    const waitMs =
      typeof body.wait_ms === 'number' ? Math.min(body.wait_ms, LONG_POLL_MS) : LONG_POLL_MS;
    const job = await this.dispatcher.acquire(runner, waitMs, signal);
    if (!job) return { status: 204 };

    await this.lifecycle.started(job);
    return json(200, {
      job: {
        id: job.id,
        run_id: job.runId,
        repository: job.repository,
        labels: job.labels,
        duration_ms: job.durationMs,
      },
    });
  }

  private async complete(body: Body): Promise<SimResponse> {
    const runner = this.bySession(body);
    if (!runner) return gone();
    const job = this.state.jobs.get(Number(body.job_id));
    if (!job || job.runnerId !== runner.id || job.status !== 'in_progress') {
      return json(409, {
        message: `completing: runner ${runner.name} is not running job ${String(body.job_id)}`,
      });
    }

    const conclusion = typeof body.conclusion === 'string' ? body.conclusion : 'success';
    await this.lifecycle.complete(job, conclusion);
    return json(200, { job_id: job.id, conclusion });
  }

  private disconnect(body: Body): SimResponse {
    const runner = this.bySession(body);
    if (!runner) return gone();

    runner.status = 'offline';
    runner.session = undefined;
    this.dispatcher.release(runner.id);
    return json(200, { runner_id: runner.id, status: runner.status });
  }

  private bySession(body: Body): RunnerRecord | undefined {
    if (typeof body.session !== 'string') return undefined;
    return [...this.state.runners.values()].find((r) => r.session === body.session);
  }
}

/** The registration was deleted (or never connected): the runner has nothing left to do. */
function gone(): SimResponse {
  return json(410, { message: 'this runner registration no longer exists' });
}
