import { setTimeout as sleep } from 'node:timers/promises';

import { PlatformError } from '../../core/errors.js';

/** How often a throttled EC2 call is tried again before the throttling is reported. */
export interface ThrottleRetry {
  /** Tries in all, the first one included; 1 means no retry. */
  readonly attempts: number;
  /** The first pause; each further one may be up to twice as long (full jitter). */
  readonly baseDelayMs: number;
  /** The longest single pause. */
  readonly maxDelayMs: number;
  /** Injected by tests so no real time passes. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export const DEFAULT_THROTTLE_RETRY: ThrottleRetry = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
};

/**
 * Runs `call` and, only while it fails with a `throttled` PlatformError, runs it again after a
 * growing random pause, at most `attempts` times in all. Any other error, and the last
 * throttling, is rethrown as it is: nothing else is retried here.
 */
export async function retryWhenThrottled<T>(
  call: () => Promise<T>,
  retry: ThrottleRetry = DEFAULT_THROTTLE_RETRY,
): Promise<T> {
  const pause = retry.sleep ?? ((ms: number) => sleep(ms));
  const random = retry.random ?? Math.random;

  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const throttled = error instanceof PlatformError && error.code === 'throttled';
      if (!throttled || attempt >= retry.attempts) throw error;

      const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
      await pause(Math.round(random() * ceiling));
    }
  }
}
