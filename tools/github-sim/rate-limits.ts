const WINDOW_MS = 60 * 60 * 1000;
const LIMITS = { authenticated: 5000, anonymous: 60 } as const;

interface Window {
  startedAt: number;
  used: number;
}

/**
 * GitHub's hourly primary rate limit, counted per identity (the App, each installation, or
 * anonymous), reported in the `x-ratelimit-*` headers of every answer. It is reported, never
 * enforced: tests that need a 403 or 429 inject it as a fault.
 */
export class RateLimits {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number) {}

  /** Counts one request for `identity` and returns the headers describing its window. */
  count(identity: string): Record<string, string> {
    const now = this.now();
    let window = this.windows.get(identity);
    if (!window || now >= window.startedAt + WINDOW_MS) {
      window = { startedAt: now, used: 0 };
      this.windows.set(identity, window);
    }
    window.used += 1;

    const limit = identity === 'anonymous' ? LIMITS.anonymous : LIMITS.authenticated;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.used)),
      'x-ratelimit-reset': String(Math.ceil((window.startedAt + WINDOW_MS) / 1000)),
      'x-ratelimit-used': String(window.used),
      'x-ratelimit-resource': 'core',
    };
  }
}
