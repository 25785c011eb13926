/**
 * Bytes of webhook bodies held at once, across all requests. Each body alone is capped at
 * GitHub's 25 MB, but until a body is whole its signature cannot be checked, so without a
 * shared cap anyone could make the server hold many of them at once.
 */
export interface BodyBudget {
  /** Takes `bytes` from the budget; false (and nothing taken) when it would go over. */
  take(bytes: number): boolean;
  give(bytes: number): void;
  readonly inUse: number;
}

/** Room for ten bodies of the largest size GitHub sends; real deliveries are a few kB. */
export const DEFAULT_BODY_BUDGET_BYTES = 256 * 1024 * 1024;

export function createBodyBudget(limitBytes = DEFAULT_BODY_BUDGET_BYTES): BodyBudget {
  let inUse = 0;
  return {
    take(bytes) {
      if (inUse + bytes > limitBytes) return false;
      inUse += bytes;
      return true;
    },
    give(bytes) {
      inUse = Math.max(0, inUse - bytes);
    },
    get inUse() {
      return inUse;
    },
  };
}
