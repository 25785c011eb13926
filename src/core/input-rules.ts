import type { Problem } from './errors.js';
import { PlatformError, formatProblems } from './errors.js';

/**
 * The small checks stores run on what they are asked to write, so bad input is refused
 * before anything is stored. Each returns a problem, or undefined when the value is fine.
 */
export type Rule = (key: string, value: unknown) => Problem | undefined;

export const wholeNumberAtLeast =
  (min: number): Rule =>
  (key, value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min
      ? undefined
      : { key, value, message: `must be a whole number of at least ${min}` };

export const nonEmptyText: Rule = (key, value) =>
  typeof value === 'string' && value.trim().length > 0
    ? undefined
    : { key, value, message: 'must be a non-empty string' };

/** A date and time with its zone, as `toISOString` writes it (seconds, fraction optional). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const isoTimeText: Rule = (key, value) =>
  typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
    ? undefined
    : { key, value, message: 'must be an ISO 8601 time such as 2026-01-31T12:00:00Z' };

/** `owner/name` of a repository. */
export const repositoryName: Rule = (key, value) =>
  typeof value === 'string' && /^[^/\s]+\/[^/\s]+$/.test(value)
    ? undefined
    : { key, value, message: 'must be "owner/name"' };

export const textList: Rule = (key, value) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? undefined
    : { key, value, message: 'must be a list of strings' };

export function oneOf(allowed: readonly string[]): Rule {
  return (key, value) =>
    typeof value === 'string' && allowed.includes(value)
      ? undefined
      : { key, value, message: `must be one of ${allowed.join(', ')}` };
}

/** Lets `undefined` through, for optional fields. */
export function optional(rule: Rule): Rule {
  return (key, value) => (value === undefined ? undefined : rule(key, value));
}

/** Applies each rule to its field of `input`, and collects the problems in field order. */
export function checkFields(input: object, rules: Readonly<Record<string, Rule>>): Problem[] {
  const fields = input as Record<string, unknown>;
  return Object.entries(rules).flatMap(([key, rule]) => rule(key, fields[key]) ?? []);
}

/** Throws one `invalid_input` error naming every problem, when there is any. */
export function refuseProblems(attempt: string, problems: readonly Problem[]): void {
  if (problems.length === 0) return;

  throw new PlatformError('invalid_input', `${attempt}: refused\n${formatProblems(problems)}`, {
    details: { problems },
  });
}
