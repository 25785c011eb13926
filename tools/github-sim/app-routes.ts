import { randomBytes } from 'node:crypto';

import {
  INSTALLATION_PERMISSIONS,
  appResource,
  installationResource,
  isoSeconds,
} from './account-resources.js';
import { paginate } from './pagination.js';
import type { RouteContext, RouteDefinition } from './route-table.js';
import { githubError, json, notFound, type SimResponse } from './sim-response.js';
import type { SimState } from './sim-state.js';

export interface AppRouteDeps {
  state: SimState;
  appId: number;
  now: () => number;
  tokenTtlMs: number;
}

/** The App's own endpoints, authenticated with its JWT. */
export function appRoutes(deps: AppRouteDeps): RouteDefinition[] {
  const { state, appId } = deps;

  const installationOf = (context: RouteContext) =>
    state.installations.get(Number(context.params.installation_id));

  return [
    {
      method: 'GET',
      template: '/app',
      auth: 'app',
      handle: (context) => json(200, appResource(context.api, appId, state.installations.size)),
    },
    {
      method: 'GET',
      template: '/app/installations',
      auth: 'app',
      handle: (context) => {
        const all = [...state.installations.values()].sort((a, b) => a.id - b.id);
        const page = paginate(all, context.requestUrl);
        const body = page.items.map((i) => installationResource(context.api, appId, i));
        return json(200, body, page.headers);
      },
    },
    {
      method: 'GET',
      template: '/app/installations/:installation_id',
      auth: 'app',
      handle: (context) => {
        const installation = installationOf(context);
        if (!installation) return notFound();
        return json(200, installationResource(context.api, appId, installation));
      },
    },
    {
      method: 'POST',
      template: '/app/installations/:installation_id/access_tokens',
      auth: 'app',
      handle: (context) => {
        const installation = installationOf(context);
        if (!installation) return notFound();
        if (installation.suspendedAt !== undefined) {
          return githubError(403, 'This installation has been suspended');
        }
        return mintToken(deps, installation.id);
      },
    },
  ];
}

function mintToken(deps: AppRouteDeps, installationId: number): SimResponse {
  const { state } = deps;
  const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
  const expiresAt = deps.now() + deps.tokenTtlMs;

  state.tokens.set(token, { installationId, expiresAt });
  state.minted.set(installationId, (state.minted.get(installationId) ?? 0) + 1);

  return json(201, {
    token,
    expires_at: isoSeconds(expiresAt),
    permissions: { ...INSTALLATION_PERMISSIONS },
    repository_selection: 'selected',
  });
}
