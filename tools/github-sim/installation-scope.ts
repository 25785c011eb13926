import type { RouteContext } from './route-table.js';

/** Where an installation token's request points: an org, or one of its repositories. */
export interface Scope {
  installationId: number;
  /** The account login as GitHub spells it. */
  owner: string;
  /** Repository name as GitHub spells it; undefined for the org scope. */
  repo: string | undefined;
}

/**
 * The org named in the path, when the token's installation is on that organisation. GitHub
 * answers 404, not 403, for anything a token cannot see, and User accounts have no org API.
 */
export function orgScope(context: RouteContext): Scope | undefined {
  const installation = context.installation;
  const org = context.params.org ?? '';
  if (!installation || installation.account.type !== 'Organization') return undefined;
  if (installation.account.login.toLowerCase() !== org.toLowerCase()) return undefined;

  return { installationId: installation.id, owner: installation.account.login, repo: undefined };
}

/** The repository named in the path, when it is one the token's installation can reach. */
export function repoScope(context: RouteContext): Scope | undefined {
  const installation = context.installation;
  const owner = context.params.owner ?? '';
  const repo = (context.params.repo ?? '').toLowerCase();
  if (!installation || installation.account.login.toLowerCase() !== owner.toLowerCase()) {
    return undefined;
  }

  const known = installation.repositories.find((r) => r.name.toLowerCase() === repo);
  if (!known) return undefined;
  return { installationId: installation.id, owner: installation.account.login, repo: known.name };
}
