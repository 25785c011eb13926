import { createAppAuth } from '@octokit/auth-app';

import type { OctokitLog } from './octokit-log.js';

/** The App's identity: its id and the private key GitHub issued for it. */
export interface AppCredentials {
  readonly appId: number;
  readonly privateKeyPem: string;
}

/**
 * Octokit options that authenticate with @octokit/auth-app. Without an installation id every
 * call is signed with the App JWT (`iat` 30 s in the past, 10 minutes of life, re-signed once
 * with GitHub's clock when GitHub rejects the time claims). With one, auth-app mints that
 * installation's token on first use and keeps it in its cache until a minute before it
 * expires, so a burst of calls costs one token.
 */
export function appAuth(
  credentials: AppCredentials,
  installationId: number | undefined,
  log: OctokitLog,
) {
  return {
    authStrategy: createAppAuth,
    auth: {
      appId: credentials.appId,
      privateKey: credentials.privateKeyPem,
      log,
      ...(installationId === undefined ? {} : { installationId }),
    },
  };
}
