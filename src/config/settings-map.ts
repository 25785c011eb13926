import type { Problem } from '../core/errors.js';

/** Bounds for a whole number read from the file. */
export interface IntegerRule {
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
}

/** How a string read from the file must look. */
export interface TextRule {
  /** Used when the key is absent; without one the key is required. */
  readonly fallback?: string;
  readonly pattern?: RegExp;
  /** Says what `pattern` demands, in words an operator can act on. */
  readonly rule?: string;
}

/**
 * One map of the configuration file (the root, `listen`, `tiers.small`, ...), read key by key.
 *
 * Every read records a problem instead of throwing, and returns a placeholder in its place, so
 * one pass finds every mistake; callers throw before using any value once a problem was
 * recorded. Keys that no one read are reported by `close`, which catches typos.
 */
export class SettingsMap {
  private readonly seen = new Set<string>();

  private constructor(
    private readonly path: string,
    private readonly entries: Readonly<Record<string, unknown>>,
    private readonly problems: Problem[],
  ) {}

  /** Opens `value` as a map; an absent value is an empty map, anything else a problem. */
  static open(value: unknown, path: string, problems: Problem[]): SettingsMap {
    if (value === undefined || value === null) return new SettingsMap(path, {}, problems);

    if (!isPlainMap(value)) {
      problems.push({ key: path, value, message: 'must be a map of keys to values' });
      return new SettingsMap(path, {}, problems);
    }
    return new SettingsMap(path, value, problems);
  }

  /** The dotted key of `name` in this map, as problems name it. */
  keyOf(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  /** The raw value, marked as read. */
  raw(name: string): unknown {
    this.seen.add(name);
    return this.entries[name];
  }

  /** Every entry, all marked as read: for maps whose keys are names, such as `tiers`. */
  all(): [string, unknown][] {
    const names = Object.keys(this.entries);
    names.forEach((name) => this.seen.add(name));
    return names.map((name) => [name, this.entries[name]]);
  }

  child(name: string): SettingsMap {
    return SettingsMap.open(this.raw(name), this.keyOf(name), this.problems);
  }

  text(name: string, rule: TextRule = {}): string {
    const value = this.raw(name);
    const absent = value === undefined || value === null;
    if (absent && rule.fallback !== undefined) return rule.fallback;

    if (absent) return this.fail(name, value, 'is required', '');
    if (typeof value !== 'string' || value.trim().length === 0) {
      return this.fail(name, value, 'must be a non-empty string', '');
    }
    if (rule.pattern !== undefined && !rule.pattern.test(value)) {
      return this.fail(name, value, rule.rule ?? `must match ${String(rule.pattern)}`, '');
    }
    return value;
  }

  /** A string that may be `null` or absent, both read as undefined. */
  optionalText(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;

    if (typeof value !== 'string' || value.trim().length === 0) {
      return this.fail(name, value, 'must be a non-empty string or null', undefined);
    }
    return value;
  }

  integer(name: string, rule: IntegerRule): number {
    const value = this.raw(name);
    if (value === undefined) return rule.fallback;

    const whole = typeof value === 'number' && Number.isInteger(value);
    if (!whole || value < rule.min || value > rule.max) {
      const message = `must be a whole number from ${rule.min} to ${rule.max}`;
      return this.fail(name, value, message, rule.fallback);
    }
    return value;
  }

  textList(name: string, fallback: readonly string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];

    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      return this.fail(name, value, 'must be a list of strings', [...fallback]);
    }
    return value as string[];
  }

  /** A map of string to string, such as environment variables. */
  textMap(name: string, keyPattern: RegExp, keyRule: string): Record<string, string> {
    const map = this.child(name);
    const result: Record<string, string> = {};

    for (const [key, value] of map.all()) {
      if (!keyPattern.test(key)) {
        map.report(key, key, keyRule);
      } else if (typeof value !== 'string') {
        map.report(key, value, 'must be a string');
      } else {
        result[key] = value;
      }
    }
    return result;
  }

  /** Records a problem with the key `name` of this map, for rules the readers do not know. */
  report(name: string, value: unknown, message: string): void {
    this.problems.push({ key: this.keyOf(name), value, message });
  }

  /** Reports every key of this map that no read asked for. */
  close(): void {
    const known = [...this.seen].sort();
    for (const name of Object.keys(this.entries)) {
      if (this.seen.has(name)) continue;
      // The value is not echoed: a misplaced key may hold a secret (a key or a token).
      this.problems.push({
        key: this.keyOf(name),
        value: `<${shapeOf(this.entries[name])}>`,
        message: `unknown key (known keys here: ${known.join(', ') || 'none'})`,
      });
    }
  }

  private fail<T>(name: string, value: unknown, message: string, placeholder: T): T {
    this.report(name, value, message);
    return placeholder;
  }
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value === 'object' ? 'map' : typeof value}`;
}
