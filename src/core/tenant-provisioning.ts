import type { CoreDeps } from './deps.js';
import { isoTime } from './ports/clock.js';
import type { Tenant } from './tenant.js';
import { newTenant } from './tenant.js';

/**
 * Returns the tenant, provisioning it from GitHub when its `installation.created` was never
 * seen (an installation older than this deployment). Racing callers agree on one record.
 */
export async function ensureTenant(
  deps: Pick<CoreDeps, 'tenants' | 'github' | 'catalog' | 'clock' | 'logger'>,
  installationId: number,
  options: { readonly fresh?: boolean } = {},
): Promise<Tenant> {
  const known = await deps.tenants.get(installationId, options);
  if (known !== undefined) return known;

  const installation = await deps.github.getInstallation(installationId);
  const at = isoTime(deps.clock);
  const fresh = newTenant(
    {
      installationId,
      accountLogin: installation.accountLogin,
      accountType: installation.accountType,
    },
    deps.catalog,
    at,
  );
  const tenant = await deps.tenants.createIfAbsent(
    installation.suspended ? { ...fresh, status: 'suspended' } : fresh,
  );

  deps.logger.info('tenant provisioned from GitHub', {
    tenant_id: installationId,
    installation_id: installationId,
    account_login: tenant.accountLogin,
    account_type: tenant.accountType,
    tier: tenant.tier,
    status: tenant.status,
  });
  return tenant;
}
