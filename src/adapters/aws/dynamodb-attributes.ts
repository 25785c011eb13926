import type { AttributeValue } from '@aws-sdk/client-dynamodb';

import type { Problem } from '../../core/errors.js';
import { PlatformError, formatProblems } from '../../core/errors.js';

/** One DynamoDB item in the low-level wire shape (`{ "N": "5" }`, `{ "S": "small" }`). */
export type Item = Record<string, AttributeValue>;

export function text(value: string): AttributeValue {
  return { S: value };
}

export function number(value: number): AttributeValue {
  return { N: String(value) };
}

/** DynamoDB has no `undefined`: a value that is not there is an attribute that is absent. */
export function optionalText(value: string | undefined): AttributeValue | undefined {
  return value === undefined ? undefined : text(value);
}

export function optionalNumber(value: number | undefined): AttributeValue | undefined {
  return value === undefined ? undefined : number(value);
}

export function textList(values: readonly string[]): AttributeValue {
  return { L: values.map(text) };
}

export function numberMap(values: Readonly<Record<string, number>>): AttributeValue {
  return { M: Object.fromEntries(Object.entries(values).map(([key, n]) => [key, number(n)])) };
}

/** Drops the attributes whose value is undefined, so they are absent from the item. */
export function compactItem(
  attributes: Readonly<Record<string, AttributeValue | undefined>>,
): Item {
  const item: Item = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) item[name] = value;
  }
  return item;
}

/**
 * Reads typed attributes out of a stored item and collects every problem, keyed by attribute
 * name with the raw value seen, so one error can name all that is wrong with the item.
 * Getters return a placeholder for a bad attribute; `refuseIfBroken` must run before use.
 */
export class ItemReader {
  readonly problems: Problem[] = [];

  constructor(private readonly item: Item) {}

  text(name: string): string {
    return this.optionalText(name) ?? this.missing(name, '');
  }

  optionalText(name: string): string | undefined {
    const value = this.item[name];
    if (value === undefined) return undefined;
    if (value.S !== undefined) return value.S;
    return this.wrongType(name, value, 'a string (S)', '');
  }

  number(name: string): number {
    return this.optionalNumber(name) ?? this.missing(name, Number.NaN);
  }

  optionalNumber(name: string): number | undefined {
    const value = this.item[name];
    if (value === undefined) return undefined;
    if (value.N !== undefined && Number.isFinite(Number(value.N))) return Number(value.N);
    return this.wrongType(name, value, 'a number (N)', Number.NaN);
  }

  textList(name: string): string[] {
    const value = this.item[name];
    if (value === undefined) return this.missing(name, []);

    const texts = value.L?.map((entry) => entry.S);
    if (texts !== undefined && texts.every((entry) => entry !== undefined)) return texts;
    return this.wrongType(name, value, 'a list (L) of strings (S)', []);
  }

  /** A map of numbers; an absent attribute reads as an empty map. */
  numberMap(name: string): Record<string, number> {
    const value = this.item[name];
    if (value === undefined) return {};
    if (value.M === undefined) return this.wrongType(name, value, 'a map (M) of numbers (N)', {});

    const entries = Object.entries(value.M).map(([key, entry]) => {
      const reader = new ItemReader({ [`${name}.${key}`]: entry });
      const n = reader.number(`${name}.${key}`);
      this.problems.push(...reader.problems);
      return [key, n] as const;
    });
    return Object.fromEntries(entries);
  }

  /** Throws `invalid_input` naming each bad attribute, when there is any. */
  refuseIfBroken(subject: string, details: Readonly<Record<string, unknown>>): void {
    refuseStoredItem(subject, this.problems, details);
  }

  private missing<T>(name: string, placeholder: T): T {
    this.problems.push({ key: name, value: undefined, message: 'is missing' });
    return placeholder;
  }

  private wrongType<T>(name: string, value: AttributeValue, expected: string, placeholder: T): T {
    this.problems.push({ key: name, value, message: `must be ${expected}` });
    return placeholder;
  }
}

/**
 * Refuses a stored item someone edited into a shape the control plane cannot trust, naming
 * the item, each attribute and the value seen, so the operator can fix it by hand.
 */
export function refuseStoredItem(
  subject: string,
  problems: readonly Problem[],
  details: Readonly<Record<string, unknown>>,
): void {
  if (problems.length === 0) return;

  throw new PlatformError(
    'invalid_input',
    `${subject}: the stored item is not valid; correct it in the table\n${formatProblems(problems)}`,
    { details: { ...details, problems } },
  );
}
