import { PlatformError } from '../../core/errors.js';
import type { InstallationInfo } from '../../core/ports/github.js';
import { isAccountType } from '../../core/tenant.js';
import { toPlatformError } from './github-errors.js';
import type { GitHubClient } from './installation-clients.js';

/** `GET /app/installations/{id}` with the App JWT: whose installation it is, and its state. */
export async function readInstallation(
  client: GitHubClient,
  installationId: number,
  now: () => number,
): Promise<InstallationInfo> {
  const attempted = `reading installation ${installationId}`;
  const { data } = await client
    .request('GET /app/installations/{installation_id}', { installation_id: installationId })
    .catch((error: unknown) => {
      throw toPlatformError(error, attempted, now);
    });

  const account = data.account;
  const accountType = account !== null && 'type' in account ? account.type : undefined;
  if (account === null || !('login' in account) || !isAccountType(accountType)) {
    throw new PlatformError(
      'rejected',
      `${attempted}: the account must be an Organization or a User (got ${accountType ?? 'an enterprise'})`,
      { details: { installation_id: installationId } },
    );
  }

  return {
    installationId: data.id,
    accountLogin: account.login,
    accountType,
    suspended: data.suspended_at != null,
  };
}
