/**
 * The error vocabulary shared by the core and every adapter. Adapters translate vendor errors
 * (HTTP statuses, SDK exceptions) into these at their boundary; callers branch on `code` or
 * `retryable`, never on message text.
 */
export type ErrorCode =
  | 'invalid_config'
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'throttled'
  | 'capacity'
  | 'unavailable'
  | 'rejected'
  | 'unauthorized';

export interface PlatformErrorOptions {
  readonly retryable?: boolean;
  /** Milliseconds to wait before a retry is worth it, when the remote said so. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class PlatformError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: PlatformErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'PlatformError';
    this.code = code;
    this.retryable = options.retryable ?? DEFAULT_RETRYABLE[code];
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details ?? {};
  }
}

const DEFAULT_RETRYABLE: Readonly<Record<ErrorCode, boolean>> = {
  invalid_config: false,
  invalid_input: false,
  not_found: false,
  conflict: false,
  throttled: true,
  capacity: true,
  unavailable: true,
  rejected: false,
  unauthorized: false,
};

/** One problem found while validating input: where it is, what was seen, and the rule. */
export interface Problem {
  readonly key: string;
  readonly value: unknown;
  readonly message: string;
}

/** Raised with every problem found at once, so an operator fixes a file in one pass. */
export class ValidationError extends PlatformError {
  readonly problems: readonly Problem[];

  constructor(subject: string, problems: readonly Problem[]) {
    super(
      'invalid_config',
      `${subject}: ${problems.length} problem(s)\n${formatProblems(problems)}`,
    );
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  - ${p.key}: ${p.message} (got ${show(p.value)})`).join('\n');
}

/** Longest value echoed back in a problem; longer ones are cut. */
const MAX_SHOWN = 200;

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A YAML alias can make a value that refers to itself.
    return 'a value that refers to itself';
  }
  if (text === undefined) return String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

export function isRetryable(error: unknown): boolean {
  return error instanceof PlatformError ? error.retryable : true;
}
