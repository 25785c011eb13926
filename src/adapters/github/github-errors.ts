import { RequestError } from '@octokit/request-error';

import { PlatformError, type ErrorCode } from '../../core/errors.js';

/** GitHub asks for at least a minute's pause after a secondary limit that names no time. */
const SECONDARY_LIMIT_FALLBACK_MS = 60_000;

/**
 * Translates whatever an Octokit call threw into the product's error vocabulary. `attempted`
 * says what was being done ("listing runners of org acme"); the message adds GitHub's status
 * and message, and `details` keeps the status and GitHub's request id. Tokens never appear:
 * Octokit redacts them from the request it keeps, and GitHub does not echo them.
 */
export function toPlatformError(
  error: unknown,
  attempted: string,
  now: () => number = Date.now,
): PlatformError {
  if (error instanceof PlatformError) return error;

  if (!(error instanceof RequestError)) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new PlatformError('unavailable', `${attempted}: the request failed (${reason})`, {
      cause: error,
    });
  }

  const status = error.status;
  const headers = error.response?.headers ?? {};
  const githubMessage = messageOf(error);
  const details = {
    status,
    request_id: headers['x-github-request-id'],
    documentation_url: documentationUrlOf(error),
  };

  if (!error.response) {
    // Octokit reports a connection that failed before any answer as status 500.
    return new PlatformError(
      'unavailable',
      `${attempted}: GitHub could not be reached (${githubMessage})`,
      {
        cause: error,
        details,
      },
    );
  }

  const retryAfterMs = rateLimitWaitMs(error, now);
  if (retryAfterMs !== undefined) {
    return new PlatformError(
      'throttled',
      `${attempted}: GitHub's rate limit is exhausted (status ${status}: ${githubMessage}); retry in ${Math.ceil(retryAfterMs / 1000)} s`,
      { cause: error, details, retryable: true, retryAfterMs },
    );
  }

  const code = codeForStatus(status);
  return new PlatformError(code, `${attempted}: GitHub answered ${status}: ${githubMessage}`, {
    cause: error,
    details,
  });
}

/**
 * How long to wait when the response is a primary or secondary rate limit; undefined when it
 * is not one. A 403 is a limit only when GitHub says so in its headers or its message (a
 * secondary limit may come with neither `Retry-After` nor `x-ratelimit-*`).
 */
function rateLimitWaitMs(error: RequestError, now: () => number): number | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined;

  const headers = error.response?.headers ?? {};
  const retryAfter = headers['retry-after'] === undefined ? NaN : Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;

  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) {
    return Math.max(reset * 1000 - now(), 0);
  }

  if (error.status === 429 || /secondary rate limit/i.test(messageOf(error))) {
    return SECONDARY_LIMIT_FALLBACK_MS;
  }

  return undefined;
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'unavailable';
  return 'rejected';
}

/** GitHub's own message, without the documentation link Octokit appends. */
function messageOf(error: RequestError): string {
  const data: unknown = error.response?.data;
  if (typeof data === 'object' && data !== null && 'message' in data) {
    return String(data.message);
  }
  return error.message;
}

function documentationUrlOf(error: RequestError): string | undefined {
  const data: unknown = error.response?.data;
  if (typeof data === 'object' && data !== null && 'documentation_url' in data) {
    return String(data.documentation_url);
  }
  return undefined;
}
