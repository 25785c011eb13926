import { createPrivateKey } from 'node:crypto';

import type { SSMClient } from '@aws-sdk/client-ssm';
import { GetParametersCommand } from '@aws-sdk/client-ssm';

import type { Problem } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';
import { toSsmPlatformError } from '../adapters/aws/ssm-errors.js';
import type { AppParameterNames } from './lambda-config.js';

/** What the worker functions need to act as the App. Never log it. */
export interface AppCredentials {
  readonly appId: number;
  /** PEM text of the App's RSA private key. */
  readonly privateKeyPem: string;
}

const SUBJECT = 'GitHub App parameters in SSM';
const APP_ID = /^[1-9][0-9]{0,15}$/;

/**
 * The webhook secrets, current first: what the webhook function verifies deliveries with.
 * One GetParameters call with decryption; problems name the parameter, never its value.
 */
export async function readWebhookSecrets(
  ssm: SSMClient,
  names: AppParameterNames,
): Promise<string[]> {
  const wanted = [names.webhookSecret, names.previousWebhookSecret].filter(
    (name): name is string => name !== undefined,
  );
  const values = await readParameters(ssm, wanted);

  return wanted.map((name) => values.get(name) ?? '');
}

/** The App id and private key: what the worker functions mint tokens with. */
export async function readAppCredentials(
  ssm: SSMClient,
  names: AppParameterNames,
): Promise<AppCredentials> {
  const values = await readParameters(ssm, [names.appId, names.privateKey]);
  const problems: Problem[] = [];

  const appId = (values.get(names.appId) ?? '').trim();
  if (!APP_ID.test(appId)) {
    const shown = appId.length <= 20 && !appId.includes('\n') ? appId : 'set';
    problems.push({
      key: names.appId,
      value: shown,
      message: "must hold the App's id, a whole number",
    });
  }
  const privateKeyPem = readPrivateKey(
    names.privateKey,
    values.get(names.privateKey) ?? '',
    problems,
  );

  if (problems.length > 0) throw new ValidationError(SUBJECT, problems);
  return { appId: Number(appId), privateKeyPem };
}

async function readParameters(
  ssm: SSMClient,
  names: readonly string[],
): Promise<Map<string, string>> {
  let answer;
  try {
    answer = await ssm.send(new GetParametersCommand({ Names: [...names], WithDecryption: true }));
  } catch (error) {
    throw toSsmPlatformError(error, `reading the App's parameters ${names.join(', ')}`);
  }

  const values = new Map<string, string>();
  for (const parameter of answer.Parameters ?? []) {
    if (parameter.Name !== undefined) values.set(parameter.Name, parameter.Value ?? '');
  }
  const problems: Problem[] = names
    .filter((name) => (values.get(name) ?? '').trim() === '')
    .map((name) => ({
      key: name,
      value: values.has(name) ? 'empty' : 'not found',
      message: 'must exist, be readable by this function, and hold a value',
    }));

  if (problems.length > 0) throw new ValidationError(SUBJECT, problems);
  return values;
}

/** The PEM as GitHub issued it, or its base64 (as `key_base64` in the module's variables). */
function readPrivateKey(name: string, value: string, problems: Problem[]): string {
  const text = value.includes('-----BEGIN') ? value : decodeBase64(value);
  const pem = text?.replace(/\\n/g, '\n').trim();

  const type = pem === undefined ? undefined : keyType(pem);
  if (type !== 'rsa') {
    problems.push({
      key: name,
      value: type === undefined ? 'not a PEM' : `a ${type} key`,
      message: 'must hold the PEM text, or its base64, of the App’s RSA private key',
    });
    return '';
  }
  return `${pem}\n`;
}

function decodeBase64(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(value)) return undefined;
  return Buffer.from(value.replace(/\s/g, ''), 'base64').toString('utf8');
}

function keyType(pem: string): string | undefined {
  try {
    return createPrivateKey(pem).asymmetricKeyType ?? 'unknown';
  } catch {
    return undefined;
  }
}
