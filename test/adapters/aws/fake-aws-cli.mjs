#!/usr/bin/env node
// @ts-check
/* global process */

/**
 * A stand-in for the two AWS CLI v2 commands the runner boot script runs, answered by the AWS
 * SDK against the emulator named in FAKE_AWS_ENDPOINT (it refuses to run without one):
 *
 *   ssm get-parameter --region R --name N --with-decryption --query Parameter.Value --output text
 *   ssm delete-parameter --region R --name N
 *
 * Like the real CLI it prints the value and a newline, prints service errors on stderr and
 * exits 254 for them. Each call appends one line (`get-parameter <name> found|missing`,
 * `delete-parameter <name> ok|failed`) to the file in FAKE_AWS_EVENTS. FAKE_AWS_FAIL_DELETE=1
 * makes every delete fail.
 */

import { appendFileSync } from 'node:fs';

import { DeleteParameterCommand, GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const USAGE_EXIT = 252;
const SERVICE_ERROR_EXIT = 254;

const [service, operation, ...rest] = process.argv.slice(2);
const options = parseOptions(rest);
const endpoint = process.env.FAKE_AWS_ENDPOINT;
const events = process.env.FAKE_AWS_EVENTS;

if (endpoint === undefined || !endpoint.startsWith('http://127.0.0.1:')) {
  usage('FAKE_AWS_ENDPOINT must name the emulator on 127.0.0.1');
}
if (service !== 'ssm' || options.region === undefined || options.name === undefined) {
  usage(`unsupported call: ${process.argv.slice(2).join(' ')}`);
}

const client = new SSMClient({
  endpoint,
  region: String(options.region),
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const name = String(options.name);

if (operation === 'get-parameter') {
  const wanted =
    options['with-decryption'] === true &&
    options.query === 'Parameter.Value' &&
    options.output === 'text';
  if (!wanted) usage('get-parameter needs --with-decryption --query Parameter.Value --output text');
  await run(
    () => client.send(new GetParameterCommand({ Name: name, WithDecryption: true })),
    (output) => {
      record(`get-parameter ${name} found`);
      process.stdout.write(`${output.Parameter?.Value ?? 'None'}\n`);
    },
    () => record(`get-parameter ${name} missing`),
  );
} else if (operation === 'delete-parameter') {
  if (process.env.FAKE_AWS_FAIL_DELETE === '1') {
    record(`delete-parameter ${name} failed`);
    process.stderr.write(
      'An error occurred (InternalServerError) when calling the DeleteParameter operation\n',
    );
    process.exit(SERVICE_ERROR_EXIT);
  }
  await run(
    () => client.send(new DeleteParameterCommand({ Name: name })),
    () => record(`delete-parameter ${name} ok`),
    () => record(`delete-parameter ${name} failed`),
  );
} else {
  usage(`unsupported operation ${operation}`);
}

/**
 * @template T
 * @param {() => Promise<T>} call
 * @param {(output: T) => void} onSuccess
 * @param {() => void} onFailure
 */
async function run(call, onSuccess, onFailure) {
  try {
    onSuccess(await call());
  } catch (error) {
    onFailure();
    const code = error instanceof Error ? error.name : 'Unknown';
    process.stderr.write(`An error occurred (${code}) when calling the ${operation} operation\n`);
    process.exit(SERVICE_ERROR_EXIT);
  }
}

/** @param {string[]} args */
function parseOptions(args) {
  /** @type {Record<string, string | true>} */
  const parsed = {};
  for (let i = 0; i < args.length; i += 1) {
    const key = args[i]?.replace(/^--/, '') ?? '';
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) {
      parsed[key] = true;
    } else {
      parsed[key] = next;
      i += 1;
    }
  }
  return parsed;
}

/** @param {string} line */
function record(line) {
  if (events !== undefined) appendFileSync(events, `${line}\n`);
}

/** @param {string} message @returns {never} */
function usage(message) {
  process.stderr.write(`fake aws: ${message}\n`);
  process.exit(USAGE_EXIT);
}
