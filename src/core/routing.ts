import type { Tier, TierCatalog } from './tier.js';
import { normalizeLabels } from './tier.js';

/**
 * Finds the tier a job's `runs-on` labels ask for, or undefined when the job is not ours
 * (GitHub-hosted labels, other self-hosted pools, or an empty label list).
 *
 * Exact mode: the job's label set equals the tier's. Subset mode: the job's labels are all
 * among the tier's; of several such tiers the one with the fewest labels wins, then the first
 * by name, so the choice never depends on configuration order.
 */
export function routeJob(catalog: TierCatalog, jobLabels: readonly string[]): Tier | undefined {
  const wanted = normalizeLabels(jobLabels);
  if (wanted.length === 0) return undefined;

  const candidates = catalog.tiers.filter((tier) => {
    const offered = normalizeLabels(tier.labels);
    if (catalog.matchMode === 'exact') return sameSet(wanted, offered);
    return wanted.every((label) => offered.includes(label));
  });

  return candidates.sort(
    (a, b) => a.labels.length - b.labels.length || a.name.localeCompare(b.name),
  )[0];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((label, i) => label === b[i]);
}
