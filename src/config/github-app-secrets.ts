import { createPrivateKey } from 'node:crypto';

import type { Problem } from '../core/errors.js';

/** What the environment may hold; `process.env` fits. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The App's credentials. They come only from the environment and are never logged. */
export interface GitHubAppSecrets {
  readonly appId: number;
  /** PEM text of the App's RSA private key. */
  readonly privateKey: string;
  readonly webhookSecret: string;
  /** The secret being rotated out; deliveries signed with it still verify. */
  readonly previousWebhookSecret: string | undefined;
}

const PEM_VARIABLE = 'GITHUB_APP_PRIVATE_KEY';
const BASE64_VARIABLE = 'GITHUB_APP_KEY_BASE64';
const BASE64_TEXT = /^[A-Za-z0-9+/=\s]+$/;

/**
 * Reads the App's secrets from `env`, adding a problem for each one missing or malformed.
 * Problems about secrets show only "set", "not set" or "not a PEM", never the value.
 */
export function readGitHubAppSecrets(env: Environment, problems: Problem[]): GitHubAppSecrets {
  return {
    appId: readAppId(env, problems),
    privateKey: readPrivateKey(env, problems),
    webhookSecret: readWebhookSecret(env, problems),
    previousWebhookSecret: presentValue(env, 'GITHUB_WEBHOOK_SECRET_PREVIOUS'),
  };
}

function readAppId(env: Environment, problems: Problem[]): number {
  const value = env.GITHUB_APP_ID;
  if (value !== undefined && /^[1-9][0-9]{0,15}$/.test(value.trim())) return Number(value);

  problems.push({
    key: 'GITHUB_APP_ID',
    value: showAppId(value),
    message: "must be the App's id, a whole number of at least 1",
  });
  return 0;
}

/** The id is not secret, but a long value may be a key pasted into the wrong variable. */
function showAppId(value: string | undefined): string {
  if (value === undefined) return 'not set';
  return value.length <= 20 && !value.includes('\n') ? value : 'set';
}

function readWebhookSecret(env: Environment, problems: Problem[]): string {
  const value = presentValue(env, 'GITHUB_WEBHOOK_SECRET');
  if (value !== undefined) return value;

  problems.push({
    key: 'GITHUB_WEBHOOK_SECRET',
    value: 'not set',
    message: "is required: the secret set on the App's webhook",
  });
  return '';
}

function readPrivateKey(env: Environment, problems: Problem[]): string {
  const pem = presentValue(env, PEM_VARIABLE);
  const base64 = presentValue(env, BASE64_VARIABLE);

  if (pem !== undefined && base64 !== undefined) {
    problems.push({
      key: PEM_VARIABLE,
      value: 'set',
      message: `set only one of ${PEM_VARIABLE} and ${BASE64_VARIABLE}; both are set`,
    });
    return '';
  }
  if (pem === undefined && base64 === undefined) {
    problems.push({
      key: PEM_VARIABLE,
      value: 'not set',
      message: `is required: the App's private key as PEM text, or its base64 in ${BASE64_VARIABLE}`,
    });
    return '';
  }

  const [key, text] =
    pem !== undefined ? [PEM_VARIABLE, unescapeNewlines(pem)] : [BASE64_VARIABLE, decode(base64)];
  return checkPrivateKey(key, text, problems);
}

function checkPrivateKey(key: string, text: string | undefined, problems: Problem[]): string {
  const pem = text?.trim();
  const parsed = pem !== undefined && pem.startsWith('-----BEGIN') ? parseKey(pem) : undefined;

  if (pem === undefined || parsed === undefined) {
    const what = key === BASE64_VARIABLE ? 'the base64 of the PEM text' : 'the PEM text';
    problems.push({
      key,
      value: 'not a PEM',
      message: `must be ${what} of an unencrypted private key that node:crypto can read`,
    });
    return '';
  }
  if (parsed !== 'rsa') {
    problems.push({
      key,
      value: 'set',
      message: `must be an RSA key, since GitHub App tokens are signed with RS256 (this is ${parsed})`,
    });
    return '';
  }
  return `${pem}\n`;
}

/** The key's algorithm, or undefined when it does not parse. */
function parseKey(pem: string): string | undefined {
  try {
    return createPrivateKey(pem).asymmetricKeyType ?? 'unknown';
  } catch {
    return undefined;
  }
}

function decode(base64: string | undefined): string | undefined {
  if (base64 === undefined || !BASE64_TEXT.test(base64)) return undefined;
  return Buffer.from(base64.replace(/\s/g, ''), 'base64').toString('utf8');
}

/** A key pasted on one line of an env file often carries `\n` escapes instead of newlines. */
function unescapeNewlines(pem: string): string {
  return pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n');
}

/** The variable's value, treating an empty or blank one as not set. */
function presentValue(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}
