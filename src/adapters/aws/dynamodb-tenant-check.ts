import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';

import type { Tenant } from '../../core/tenant.js';
import { number, text } from './dynamodb-attributes.js';
import { tenantKey } from './dynamodb-tenant-item.js';

/**
 * A transaction item that holds only while the tenant's item still says what `seen` says in
 * everything a launch uses: active, the plan tier (a tag), the limit across tiers, this
 * tier's override, the runner group, and the account and its type (the JIT registration's
 * scope). An operator's `update-item`, a suspension or an uninstall between the read and the
 * slot take fails it, so a copy of the tenant read earlier can never launch past what the table
 * now says.
 */
export function tenantUnchangedCheck(
  tenantsTable: string,
  seen: Tenant,
  tier: string,
): TransactWriteItem {
  const override = seen.tierOverrides[tier];
  const conditions = [
    '#status = :active',
    '#tier = :tier',
    '#max = :max',
    '#login = :login',
    '#type = :type',
    seen.runnerGroup === undefined ? 'attribute_not_exists(#group)' : '#group = :group',
    override === undefined ? 'attribute_not_exists(#overrides.#t)' : '#overrides.#t = :override',
  ];

  return {
    ConditionCheck: {
      TableName: tenantsTable,
      Key: tenantKey(seen.installationId),
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: {
        '#status': 'status',
        '#tier': 'tier',
        '#max': 'max_runners',
        '#login': 'account_login',
        '#type': 'account_type',
        '#group': 'runner_group',
        '#overrides': 'tier_overrides',
        '#t': tier,
      },
      ExpressionAttributeValues: {
        ':active': text('active'),
        ':tier': text(seen.tier),
        ':max': number(seen.maxRunners),
        ':login': text(seen.accountLogin),
        ':type': text(seen.accountType),
        ...(seen.runnerGroup === undefined ? {} : { ':group': text(seen.runnerGroup) }),
        ...(override === undefined ? {} : { ':override': number(override) }),
      },
    },
  };
}
