import { PlatformError } from '../../core/errors.js';

/**
 * Holds back the calls of one installation while GitHub's rate limit for it is exhausted, so
 * calls started during the pause wait for the reset instead of spending requests on a 403.
 * Other installations have gates of their own and are never held back.
 */
export interface RateLimitGate {
  /** Starts (or lengthens) a pause of `ms` from now. */
  pause(ms: number): void;
  /**
   * Resolves once no pause is in force. A pause longer than `maxWaitMs` is not waited out:
   * it throws a retryable `throttled` error, so the work goes back to the queue.
   */
  pass(attempted: string): Promise<void>;
}

export interface RateLimitGateOptions {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly maxWaitMs: number;
}

export function createRateLimitGate(options: RateLimitGateOptions): RateLimitGate {
  let pausedUntil = 0;

  return {
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, options.now() + ms);
    },

    async pass(attempted) {
      const remainingMs = pausedUntil - options.now();
      if (remainingMs <= 0) return;

      if (remainingMs > options.maxWaitMs) {
        throw new PlatformError(
          'throttled',
          `${attempted}: the installation is paused by GitHub's rate limit for another ${Math.ceil(remainingMs / 1000)} s, longer than the ${options.maxWaitMs / 1000} s a call may wait`,
          { retryable: true, retryAfterMs: remainingMs },
        );
      }

      await options.sleep(remainingMs);
    },
  };
}
