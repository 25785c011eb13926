import { createPrivateKey } from 'node:crypto';

import { PlatformError } from '../../core/errors.js';
import type { Logger } from '../../core/ports/telemetry.js';

/** Options of the GitHub adapter. */
export interface GitHubApiOptions {
  readonly appId: number;
  /**
   * The App's private key as GitHub issued it (PKCS#1 or PKCS#8 PEM). Line breaks written as
   * `\n`, as environment variables often carry them, are accepted.
   */
  readonly privateKeyPem: string;
  /** `https://api.github.com` by default; GitHub Enterprise Server is `https://<host>/api/v3`. */
  readonly baseUrl?: string;
  readonly logger: Logger;
  /** Runners whose names start with it are ours: only those are ever deleted to free a name. */
  readonly runnerNamePrefix: string;
  /** Waits between tries and out rate-limit pauses; tests pass a fast one. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch, for caches and rate-limit pauses. */
  readonly now?: () => number;
}

/** The options after checking: a usable key and a base URL without a trailing slash. */
export interface CheckedGitHubApiOptions {
  readonly privateKeyPem: string;
  readonly baseUrl: string;
}

const DEFAULT_BASE_URL = 'https://api.github.com';

/** Rejects options that could never work, before any call is made. */
export function checkGitHubApiOptions(options: GitHubApiOptions): CheckedGitHubApiOptions {
  if (!Number.isInteger(options.appId) || options.appId <= 0) {
    throw new PlatformError(
      'invalid_config',
      `creating the GitHub adapter: the App id must be a positive integer (got ${options.appId})`,
    );
  }
  if (options.runnerNamePrefix.length === 0) {
    throw new PlatformError(
      'invalid_config',
      'creating the GitHub adapter: the runner name prefix must not be empty (got "")',
    );
  }

  return { privateKeyPem: checkedKey(options.privateKeyPem), baseUrl: checkedBaseUrl(options) };
}

function checkedKey(pem: string): string {
  const privateKeyPem = pem.replace(/\\n/g, '\n');

  try {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`it is a ${key.asymmetricKeyType} key`);
  } catch (error) {
    // Only the parser's reason is shown: never any part of the key.
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlatformError(
      'invalid_config',
      `creating the GitHub adapter: the App private key must be an RSA key in PEM (${reason})`,
    );
  }

  return privateKeyPem;
}

function checkedBaseUrl(options: GitHubApiOptions): string {
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;

  const protocol = URL.canParse(baseUrl) ? new URL(baseUrl).protocol : undefined;
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new PlatformError(
      'invalid_config',
      `creating the GitHub adapter: the API base URL must be an absolute http(s) URL (got ${JSON.stringify(baseUrl)})`,
    );
  }

  return baseUrl.replace(/\/+$/, '');
}
