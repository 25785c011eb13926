/** What a route handler answers; the server adds GitHub's standard headers. */
export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const DOCS_URL = 'https://docs.github.com/rest';

export function json(status: number, body: unknown, headers?: Record<string, string>): SimResponse {
  return { status, body, ...(headers ? { headers } : {}) };
}

/** GitHub's error body: a message, a documentation link and the status as a string. */
export function githubError(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): SimResponse {
  return {
    status,
    body: { message, documentation_url: DOCS_URL, status: String(status), ...extra },
  };
}

export function notFound(): SimResponse {
  return githubError(404, 'Not Found');
}

/** GitHub's answer when a request body breaks the operation's schema. */
export function invalidRequest(problem: string): SimResponse {
  return githubError(422, `Invalid request.\n\n${problem}`);
}
