import type { Item } from './dynamodb-attributes.js';

/** One page of a Query or Scan: its items and where the next page starts, if any. */
export interface ItemPage {
  readonly Items?: Item[] | undefined;
  readonly LastEvaluatedKey?: Item | undefined;
}

/**
 * Reads every page, starting each request where the last one stopped. DynamoDB ends a page
 * at 1 MB (or at `Limit`) even when more items match, so one page is never the whole answer.
 */
export async function collectPages(
  readPage: (exclusiveStartKey: Item | undefined) => Promise<ItemPage>,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;

  do {
    const page = await readPage(startKey);
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);

  return items;
}
