#!/usr/bin/env node
// @ts-check
/* global process, fetch, setTimeout, clearTimeout, Buffer, URL, AbortController, AbortSignal */

/**
 * A stand-in for the official Actions runner, for the GitHub simulator. It is started the same
 * way (JIT config in ACTIONS_RUNNER_INPUT_JITCONFIG or `--jitconfig <value>`), registers once,
 * takes one job, "runs" it for the job's duration, reports it done and exits 0.
 *
 * Exit codes: 0 after its job, after the idle timeout, or on SIGTERM/SIGINT; 1 when the
 * simulator refuses it (unknown or reused JIT config, registration removed) or cannot be
 * reached; 2 when the JIT config is missing or malformed.
 */

const DEFAULT_IDLE_TIMEOUT_MS = 600_000;
const LONG_POLL_MS = 20_000;
/** How long a goodbye to the simulator may take on shutdown. */
const DISCONNECT_TIMEOUT_MS = 2_000;

/**
 * @typedef {{ sim_url: string, runner_id: number, runner_name: string, credential: string }} JitConfig
 * @typedef {{ id: number, run_id: number, repository: string, labels: string[], duration_ms: number }} AssignedJob
 * @typedef {{ status: number, body: Record<string, unknown> }} Reply
 */

class RunnerExit extends Error {
  /** @param {number} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Aborted on SIGTERM or SIGINT, so a long poll or a running job ends at once. */
const shutdown = new AbortController();
/** @type {string | undefined} */
let session;
/** @type {JitConfig | undefined} */
let config;

for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.on(signal, () => {
    say(`received ${signal}, going offline`);
    shutdown.abort();
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    const code = error instanceof RunnerExit ? error.code : 1;
    say(error instanceof Error ? error.message : String(error));
    process.exit(code);
  },
);

/** @returns {Promise<number>} */
async function main() {
  config = readConfig();
  const idleTimeoutMs = readIdleTimeout();
  say(`runner ${config.runner_name} (id ${config.runner_id}) starting`);

  const connected = await post('/_sim/runner/connect', {
    runner_id: config.runner_id,
    credential: config.credential,
  });
  if (shutdown.signal.aborted) return goOffline();
  if (connected.status !== 200) {
    throw new RunnerExit(1, `registration refused (${connected.status}): ${message(connected)}`);
  }
  session = String(connected.body.session);
  say('connected, listening for jobs');

  const job = await waitForJob(Date.now() + idleTimeoutMs);
  if (!job) return goOffline();

  say(`running job ${job.id} of ${job.repository} [${job.labels.join(', ')}]`);
  const finished = await pause(job.duration_ms);
  if (!finished) return goOffline();

  const completed = await post('/_sim/runner/complete', { session, job_id: job.id });
  if (completed.status !== 200) {
    throw new RunnerExit(
      1,
      `reporting job ${job.id} failed (${completed.status}): ${message(completed)}`,
    );
  }
  say(`job ${job.id} completed, exiting`);
  return 0;
}

/**
 * Long-polls for a job until one is assigned, the deadline passes or a signal arrives.
 * @param {number} deadline
 * @returns {Promise<AssignedJob | undefined>}
 */
async function waitForJob(deadline) {
  while (!shutdown.signal.aborted) {
    const left = deadline - Date.now();
    if (left <= 0) {
      say('no job before the idle timeout');
      return undefined;
    }

    const reply = await post('/_sim/runner/acquire', {
      session,
      wait_ms: Math.min(left, LONG_POLL_MS),
    });
    if (reply.status === 200) return /** @type {AssignedJob} */ (reply.body.job);
    if (reply.status === 410) throw new RunnerExit(1, 'the runner registration was removed');
    if (reply.status !== 204 && reply.status !== 0) {
      throw new RunnerExit(1, `asking for a job failed (${reply.status}): ${message(reply)}`);
    }
  }
  return undefined;
}

/** @returns {Promise<number>} */
async function goOffline() {
  if (session) {
    await post('/_sim/runner/disconnect', { session }, AbortSignal.timeout(DISCONNECT_TIMEOUT_MS));
  }
  say('offline, exiting');
  return 0;
}

/**
 * POSTs JSON to the simulator. A request cut short by shutdown answers status 0.
 * @param {string} path
 * @param {Record<string, unknown>} body
 * @param {AbortSignal} [signal]
 * @returns {Promise<Reply>}
 */
async function post(path, body, signal = shutdown.signal) {
  const url = new URL(path, /** @type {JitConfig} */ (config).sim_url);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  } catch (error) {
    if (signal.aborted) return { status: 0, body: {} };
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunnerExit(1, `cannot reach the simulator at ${url.origin}: ${reason}`);
  }
}

/**
 * Waits `ms`, or less when a signal arrives; true when the full time passed.
 * @param {number} ms
 * @returns {Promise<boolean>}
 */
function pause(ms) {
  return new Promise((resolve) => {
    if (shutdown.signal.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    shutdown.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** @returns {JitConfig} */
function readConfig() {
  const flag = process.argv.indexOf('--jitconfig');
  const encoded = flag >= 0 ? process.argv[flag + 1] : process.env.ACTIONS_RUNNER_INPUT_JITCONFIG;
  if (!encoded) {
    throw new RunnerExit(
      2,
      'no JIT config: set ACTIONS_RUNNER_INPUT_JITCONFIG or pass --jitconfig',
    );
  }

  /** @type {Partial<JitConfig>} */
  let decoded;
  try {
    decoded = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new RunnerExit(2, 'the JIT config is not base64-encoded JSON');
  }
  const { sim_url, runner_id, runner_name, credential } = decoded;
  if (typeof sim_url !== 'string' || typeof runner_id !== 'number') {
    throw new RunnerExit(2, 'the JIT config lacks sim_url or runner_id');
  }
  if (typeof runner_name !== 'string' || typeof credential !== 'string') {
    throw new RunnerExit(2, 'the JIT config lacks runner_name or credential');
  }
  return { sim_url, runner_id, runner_name, credential };
}

/** @returns {number} */
function readIdleTimeout() {
  const raw = process.env.FAKE_RUNNER_IDLE_TIMEOUT_MS;
  if (raw === undefined || raw === '') return DEFAULT_IDLE_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RunnerExit(
      2,
      `FAKE_RUNNER_IDLE_TIMEOUT_MS must be a number of milliseconds; got '${raw}'`,
    );
  }
  return ms;
}

/** @param {Reply} reply */
function message(reply) {
  return typeof reply.body.message === 'string' ? reply.body.message : 'no message';
}

/** @param {string} line */
function say(line) {
  const name = config ? ` ${config.runner_name}` : '';
  process.stdout.write(`fake-runner${name}: ${line}\n`);
}
