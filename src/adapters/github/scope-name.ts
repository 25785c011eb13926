import type { RunnerScope } from '../../core/ports/github.js';

/** `org acme` or `repository alice/app`, for messages. */
export function scopeName(scope: RunnerScope): string {
  return scope.repo === undefined
    ? `org ${scope.owner}`
    : `repository ${scope.owner}/${scope.repo}`;
}
