import { generateKeyPairSync } from 'node:crypto';

import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { ValidationError } from '../../src/core/errors.js';
import { readAppCredentials, readWebhookSecrets } from '../../src/lambda/app-parameters.js';
import type { AppParameterNames } from '../../src/lambda/lambda-config.js';
import type { AwsCall } from '../support/aws-calls.js';
import { operationsOf, recordAwsCalls } from '../support/aws-calls.js';
import type { Moto } from '../support/moto.js';
import { startMoto } from '../support/moto.js';

const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
const ec = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

const NAMES: AppParameterNames = {
  appId: '/p/github/app-id',
  privateKey: '/p/github/private-key',
  webhookSecret: '/p/github/webhook-secret',
  previousWebhookSecret: '/p/github/webhook-secret-previous',
};

let moto: Moto;
let ssm: SSMClient;
let calls: AwsCall[];

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  ssm = new SSMClient(moto.clientConfig);
  calls = [];
  recordAwsCalls(ssm, calls);
});

async function put(values: Record<string, string>): Promise<void> {
  const setup = new SSMClient(moto.clientConfig);
  for (const [name, value] of Object.entries(values)) {
    await setup.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString' }));
  }
}

async function problemsOf(read: Promise<unknown>) {
  const error = await read.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError: ${error}`);
  return { problems: error.problems, text: error.message };
}

describe('the App parameters in SSM', () => {
  it.each([
    ['PEM', rsa],
    ['base64 of the PEM', Buffer.from(rsa).toString('base64')],
    ['PEM with its newlines escaped', rsa.replace(/\n/g, '\\n')],
  ])(
    'reads the App id and a private key given as %s, in one decrypting call',
    async (_how, key) => {
      await put({ [NAMES.appId]: '424242', [NAMES.privateKey]: key });

      const credentials = await readAppCredentials(ssm, NAMES);

      expect(credentials.appId).toBe(424_242);
      expect(credentials.privateKeyPem.trim()).toBe(rsa.trim());
      expect(operationsOf(calls)).toEqual(['SSM.GetParameters']);
      expect(calls[0]?.input['WithDecryption']).toBe(true);
    },
  );

  it('reads the current and the previous webhook secret, current first', async () => {
    await put({ [NAMES.webhookSecret]: 'new-$ecret', [NAMES.previousWebhookSecret ?? '']: 'old' });

    expect(await readWebhookSecrets(ssm, NAMES)).toEqual(['new-$ecret', 'old']);
    expect(operationsOf(calls)).toEqual(['SSM.GetParameters']);
  });

  it('names every parameter that is missing, in one error', async () => {
    await put({ [NAMES.webhookSecret]: 'new-$ecret' });

    const { problems } = await problemsOf(readAppCredentials(ssm, NAMES));

    expect(problems).toEqual([
      expect.objectContaining({ key: NAMES.appId, value: 'not found' }),
      expect.objectContaining({ key: NAMES.privateKey, value: 'not found' }),
    ]);
  });

  it('refuses an id that is not a number and a key that is not RSA, showing neither key', async () => {
    await put({ [NAMES.appId]: 'my-app', [NAMES.privateKey]: ec });

    const { problems, text } = await problemsOf(readAppCredentials(ssm, NAMES));

    expect(problems).toEqual([
      expect.objectContaining({ key: NAMES.appId, value: 'my-app' }),
      expect.objectContaining({ key: NAMES.privateKey, value: 'a ec key' }),
    ]);
    expect(text).not.toContain(ec.split('\n')[1]);
  });

  it('refuses text that is neither a PEM nor its base64, without echoing it', async () => {
    await put({ [NAMES.appId]: '1', [NAMES.privateKey]: 'hunter2 is my key!' });

    const { problems, text } = await problemsOf(readAppCredentials(ssm, NAMES));

    expect(problems).toEqual([
      expect.objectContaining({ key: NAMES.privateKey, value: 'not a PEM' }),
    ]);
    expect(text).not.toContain('hunter2');
  });
});
