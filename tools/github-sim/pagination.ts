const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

export interface Page<T> {
  items: T[];
  /** The `Link` header, when there is more than one page. */
  headers: Record<string, string>;
}

/** GitHub's page-number pagination: `per_page` (≤ 100), `page`, and RFC 8288 `Link` rels. */
export function paginate<T>(all: readonly T[], requestUrl: URL): Page<T> {
  const perPage = clamp(
    readInt(requestUrl.searchParams.get('per_page'), DEFAULT_PER_PAGE),
    1,
    MAX_PER_PAGE,
  );
  const page = Math.max(1, readInt(requestUrl.searchParams.get('page'), 1));
  const last = Math.max(1, Math.ceil(all.length / perPage));

  const items = all.slice((page - 1) * perPage, page * perPage);

  const link = linkHeader(requestUrl, page, last);
  return { items, headers: link ? { link } : {} };
}

function linkHeader(requestUrl: URL, page: number, last: number): string | undefined {
  const rels: [string, number][] = [];
  if (page > 1) rels.push(['prev', Math.min(page - 1, last)]);
  if (page < last) rels.push(['next', page + 1]);
  if (page < last) rels.push(['last', last]);
  if (page > 1) rels.push(['first', 1]);
  if (rels.length === 0) return undefined;

  return rels.map(([rel, n]) => `<${pageUrl(requestUrl, n)}>; rel="${rel}"`).join(', ');
}

function pageUrl(requestUrl: URL, page: number): string {
  const url = new URL(requestUrl);
  url.searchParams.set('page', String(page));
  return url.toString();
}

function readInt(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : fallback;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
