import type { InstallationRecord } from './sim-state.js';

/**
 * REST shapes of accounts, installations, the App and repositories, as GitHub returns them.
 * API URLs point at the simulator itself, so nothing that follows a link leaves the machine;
 * browser links (`html_url`) keep github.com, which nothing fetches.
 */

type Account = InstallationRecord['account'];
type Repository = InstallationRecord['repositories'][number];

const HTML = 'https://github.com';

/** GitHub's timestamps carry whole seconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64');
}

/** GitHub's "simple user", used for users and organisations alike. */
export function userResource(api: string, account: Account): Record<string, unknown> {
  const user = `${api}/users/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    gravatar_id: '',
    url: user,
    html_url: `${HTML}/${account.login}`,
    followers_url: `${user}/followers`,
    following_url: `${user}/following{/other_user}`,
    gists_url: `${user}/gists{/gist_id}`,
    starred_url: `${user}/starred{/owner}{/repo}`,
    subscriptions_url: `${user}/subscriptions`,
    organizations_url: `${user}/orgs`,
    repos_url: `${user}/repos`,
    events_url: `${user}/events{/privacy}`,
    received_events_url: `${user}/received_events`,
    type: account.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The `organization` object of webhook payloads. */
export function organizationResource(api: string, account: Account): Record<string, unknown> {
  const org = `${api}/orgs/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId('Organization', account.id),
    url: org,
    repos_url: `${org}/repos`,
    events_url: `${org}/events`,
    hooks_url: `${org}/hooks`,
    issues_url: `${org}/issues`,
    members_url: `${org}/members{/member}`,
    public_members_url: `${org}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    description: null,
  };
}

export const INSTALLATION_PERMISSIONS = {
  actions: 'read',
  administration: 'write',
  metadata: 'read',
  organization_self_hosted_runners: 'write',
} as const;

export const INSTALLATION_EVENTS = ['workflow_job'];

export function appSlug(appId: number): string {
  return `tenant-runners-${appId}`;
}

export function installationResource(
  api: string,
  appId: number,
  installation: InstallationRecord,
): Record<string, unknown> {
  const { account, suspendedAt } = installation;
  return {
    id: installation.id,
    client_id: `Iv1.${appId.toString(16).padStart(16, '0')}`,
    account: userResource(api, account),
    repository_selection: 'selected',
    access_tokens_url: `${api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `${HTML}/settings/installations/${installation.id}`,
    app_id: appId,
    app_slug: appSlug(appId),
    target_id: account.id,
    target_type: account.type,
    permissions: { ...INSTALLATION_PERMISSIONS },
    events: [...INSTALLATION_EVENTS],
    created_at: isoSeconds(installation.createdAt),
    updated_at: isoSeconds(suspendedAt ?? installation.createdAt),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: suspendedAt === undefined ? null : userResource(api, adminOf(account)),
    suspended_at: suspendedAt === undefined ? null : isoSeconds(suspendedAt),
  };
}

/** The person acting for an account: the user itself, or an owner of the org. */
export function adminOf(account: Account): Account {
  if (account.type === 'User') return account;
  return { login: `${account.login}-admin`, id: account.id + 1_000_000, type: 'User' };
}

const APP_OWNER: Account = {
  login: 'tenant-runners-operator',
  id: 9_000_001,
  type: 'Organization',
};

export function appResource(api: string, appId: number, installations: number) {
  const created = isoSeconds(Date.UTC(2024, 0, 1));
  return {
    id: appId,
    slug: appSlug(appId),
    node_id: nodeId('Integration', appId),
    client_id: `Iv1.${appId.toString(16).padStart(16, '0')}`,
    owner: userResource(api, APP_OWNER),
    name: `Tenant Runners ${appId}`,
    description: 'Single-use self-hosted runners for every installation.',
    external_url: `${HTML}/${APP_OWNER.login}`,
    html_url: `${HTML}/apps/${appSlug(appId)}`,
    created_at: created,
    updated_at: created,
    permissions: { ...INSTALLATION_PERMISSIONS },
    events: [...INSTALLATION_EVENTS],
    installations_count: installations,
  };
}

/** GitHub's "minimal repository": every URL template GitHub lists, and the common flags. */
export function repositoryResource(
  api: string,
  account: Account,
  repository: Repository,
): Record<string, unknown> {
  const fullName = `${account.login}/${repository.name}`;
  const repo = `${api}/repos/${fullName}`;
  return {
    id: repository.id,
    node_id: nodeId('Repository', repository.id),
    name: repository.name,
    full_name: fullName,
    private: true,
    owner: userResource(api, account),
    html_url: `${HTML}/${fullName}`,
    description: null,
    fork: false,
    url: repo,
    ...repositoryLinks(repo),
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${HTML}/${fullName}.git`,
    svn_url: `${HTML}/${fullName}`,
    homepage: null,
    mirror_url: null,
    language: null,
    default_branch: 'main',
    visibility: 'private',
    archived: false,
    disabled: false,
  };
}

function repositoryLinks(repo: string): Record<string, string> {
  const links: Record<string, string> = {};
  for (const [key, suffix] of Object.entries(REPOSITORY_LINKS)) links[key] = `${repo}${suffix}`;
  return links;
}

const REPOSITORY_LINKS = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}',
} as const;
