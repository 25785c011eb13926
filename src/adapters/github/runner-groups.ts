import { PlatformError } from '../../core/errors.js';
import { collectPages, PER_PAGE } from './collect-pages.js';
import { toPlatformError } from './github-errors.js';
import type { GitHubClient } from './installation-clients.js';

/** Groups change rarely; a few minutes of staleness saves a list call per registration. */
const GROUP_CACHE_TTL_MS = 5 * 60_000;

interface RunnerGroup {
  readonly id: number;
  readonly name: string;
  readonly isDefault: boolean;
}

interface CachedGroups {
  readonly groups: readonly RunnerGroup[];
  readonly fetchedAt: number;
}

/** Finds the id of an organisation's runner group by name, with a short per-org cache. */
export interface RunnerGroupResolver {
  /**
   * The id of the group called `name` (compared without case), or of the group GitHub marks
   * `default: true` when `name` is undefined. Throws `rejected` when there is no such group.
   */
  resolve(client: GitHubClient, org: string, name: string | undefined): Promise<number>;
}

export function createRunnerGroupResolver(now: () => number): RunnerGroupResolver {
  const cache = new Map<string, CachedGroups>();

  async function fetchGroups(client: GitHubClient, org: string): Promise<readonly RunnerGroup[]> {
    const groups = await readGroups(client, org, now);
    cache.set(org.toLowerCase(), { groups, fetchedAt: now() });
    return groups;
  }

  return {
    async resolve(client, org, name) {
      const cached = cache.get(org.toLowerCase());
      const fresh = cached !== undefined && now() - cached.fetchedAt < GROUP_CACHE_TTL_MS;

      const groups = fresh ? cached.groups : await fetchGroups(client, org);
      const found = pickGroup(groups, name);
      if (found) return found.id;

      // The group may have been made after the cache was filled: look once more.
      const recheck = fresh ? pickGroup(await fetchGroups(client, org), name) : undefined;
      if (recheck) return recheck.id;

      throw new PlatformError(
        'rejected',
        name === undefined
          ? `choosing the runner group in org ${org}: no group is marked default`
          : `choosing the runner group in org ${org}: there is no group named '${name}'`,
        { details: { org, runner_group: name } },
      );
    },
  };
}

function pickGroup(groups: readonly RunnerGroup[], name: string | undefined) {
  if (name === undefined) return groups.find((group) => group.isDefault);

  const wanted = name.toLowerCase();
  return groups.find((group) => group.name.toLowerCase() === wanted);
}

async function readGroups(
  client: GitHubClient,
  org: string,
  now: () => number,
): Promise<RunnerGroup[]> {
  try {
    return await collectPages(async (page) => {
      const { data } = await client.request('GET /orgs/{org}/actions/runner-groups', {
        org,
        per_page: PER_PAGE,
        page,
      });
      return {
        totalCount: data.total_count,
        items: data.runner_groups.map((group) => ({
          id: group.id,
          name: group.name,
          isDefault: group.default,
        })),
      };
    });
  } catch (error) {
    throw toPlatformError(error, `listing runner groups of org ${org}`, now);
  }
}
