/** GitHub's largest page for the runner and runner-group lists. */
export const PER_PAGE = 100;

/** A guard against a server that never stops answering full pages: 10,000 items. */
const MAX_PAGES = 100;

/** One page of a GitHub list: its items and the `total_count` GitHub reports. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly totalCount: number;
}

/**
 * Reads a numbered GitHub list to its end: pages of `PER_PAGE` are fetched until one comes
 * back short or the reported total is reached.
 */
export async function collectPages<T>(fetchPage: (page: number) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];

  for (let page = 1; page <= MAX_PAGES; page++) {
    const { items, totalCount } = await fetchPage(page);
    all.push(...items);

    if (items.length < PER_PAGE || all.length >= totalCount) break;
  }

  return all;
}
