import { PlatformError } from '../core/errors.js';

/** The inputs of the operator service, by what they mean. */
export type OperatorField =
  | 'installationId'
  | 'tenant'
  | 'tier'
  | 'maxRunners'
  | 'limit'
  | 'status'
  | 'state'
  | 'since'
  | 'until'
  | 'by'
  | 'chargeIdle';

/**
 * What each input is called where it came from, so a refusal names it the way the caller
 * typed it: `--max-runners` on the command line, `max_runners` in an admin API body.
 */
export type FieldNames = Readonly<Record<OperatorField, string>>;

/** A value as the command line or an HTTP request gives it, before it is checked. */
export type RawInput = unknown;

/** Reads one input after another, refusing the first bad one with its name and value. */
export class InputReader {
  constructor(private readonly names: FieldNames) {}

  /** A whole number of at least 1, or undefined when `optional` and not given. */
  id(field: OperatorField, raw: RawInput, optional = false): number | undefined {
    if (raw === undefined && optional) return undefined;
    return this.wholeNumber(
      field,
      raw,
      1,
      'must be an installation id, a whole number of at least 1',
    );
  }

  /** A runner limit: 0 pauses a tenant or tier without suspending it. */
  limit(field: OperatorField, raw: RawInput): number {
    return this.wholeNumber(field, raw, 0, 'must be a whole number of at least 0');
  }

  /** One of `allowed`, or undefined when not given. */
  choice<T extends string>(
    field: OperatorField,
    raw: RawInput,
    allowed: readonly T[],
  ): T | undefined {
    if (raw === undefined) return undefined;
    if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
    throw this.refuse(field, raw, `must be one of ${allowed.join(', ')}`);
  }

  /** A tier name from `known`, or undefined when not given. */
  tier(field: OperatorField, raw: RawInput, known: readonly string[]): string | undefined {
    if (raw === undefined) return undefined;
    if (typeof raw === 'string' && known.includes(raw)) return raw;
    throw this.refuse(
      field,
      raw,
      `must be one of the tiers of this deployment (${known.join(', ') || 'none known'})`,
    );
  }

  /**
   * An ISO 8601 time, or a day `YYYY-MM-DD` meaning its start (UTC). Returned as ISO text;
   * undefined when not given.
   */
  time(field: OperatorField, raw: RawInput): string | undefined {
    if (raw === undefined) return undefined;

    const text = typeof raw === 'string' ? raw.trim() : '';
    const day = /^\d{4}-\d{2}-\d{2}$/.test(text);
    const full = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(
      text,
    );
    const ms = Date.parse(day ? `${text}T00:00:00Z` : text);
    const real = !Number.isNaN(ms) && (!day || new Date(ms).toISOString().startsWith(text));
    if (!(day || full) || !real) {
      throw this.refuse(
        field,
        raw,
        'must be a date (YYYY-MM-DD, UTC) or an ISO 8601 time with its zone, such as 2024-01-31T12:00:00Z',
      );
    }
    return new Date(ms).toISOString();
  }

  /** `true`/`false` as text or as a boolean; undefined when not given. */
  flag(field: OperatorField, raw: RawInput): boolean | undefined {
    if (raw === undefined || typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw this.refuse(field, raw, 'must be true or false');
  }

  /** The refusal for `field`: `invalid_input`, naming the field as the caller spells it. */
  refuse(field: OperatorField, raw: RawInput, rule: string): PlatformError {
    const name = this.names[field];
    return new PlatformError('invalid_input', `${name} ${rule} (got ${show(raw)})`, {
      details: { field: name, value: raw },
    });
  }

  private wholeNumber(field: OperatorField, raw: RawInput, min: number, rule: string): number {
    const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw this.refuse(field, raw, rule);
    }
    return value;
  }
}

function show(raw: RawInput): string {
  if (raw === undefined) return 'nothing';
  return JSON.stringify(raw) ?? String(raw);
}
