/** Time, injected so tests can move it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export function isoTime(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
