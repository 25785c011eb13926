import type { Clock } from '../../core/ports/clock.js';

/** A clock that moves only when told to, so tests decide what time it is. */
export class ManualClock implements Clock {
  private current: number;

  /** Starts at `startMs` (milliseconds since the epoch), by default 2024-01-01T00:00:00Z. */
  constructor(startMs = Date.UTC(2024, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}
