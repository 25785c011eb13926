import type { Problem } from '../core/errors.js';
import type { AdminConfig } from './config.js';
import type { Environment } from './github-app-secrets.js';
import type { SettingsMap } from './settings-map.js';

/** The variable that holds the admin API's bearer token. */
export const ADMIN_TOKEN_VARIABLE = 'GHR_ADMIN_TOKEN';

/** Long enough that guessing is hopeless: 32 characters, such as `openssl rand -hex 16`. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/**
 * Reads `admin: { enabled }`. The API is off unless `enabled` is true; then its token must be
 * in the environment, never in the file. Problems about the token say only whether it is set.
 */
export function readAdmin(
  admin: SettingsMap,
  env: Environment,
  problems: Problem[],
): AdminConfig | undefined {
  const enabled = admin.raw('enabled') ?? false;
  admin.close();
  if (typeof enabled !== 'boolean') {
    admin.report('enabled', enabled, 'must be true or false');
    return undefined;
  }
  if (!enabled) return undefined;

  const token = env[ADMIN_TOKEN_VARIABLE]?.trim() ?? '';
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    problems.push({
      key: ADMIN_TOKEN_VARIABLE,
      value: token === '' ? 'not set' : `set, ${token.length} characters`,
      message: `is required when admin.enabled is true: a bearer token of at least ${MIN_ADMIN_TOKEN_LENGTH} characters`,
    });
    return undefined;
  }
  return { token };
}
