import type { Logger } from '../../core/ports/telemetry.js';

/** The logger shape Octokit and its plugins call: a message and, at times, an extra value. */
export interface OctokitLog {
  debug(message: string, extra?: unknown): void;
  info(message: string, extra?: unknown): void;
  warn(message: string, extra?: unknown): void;
  error(message: string, extra?: unknown): void;
}

/**
 * @octokit/auth-app reports the clock skew it corrected for only inside this sentence, so the
 * number is read back out of it to give operators a field they can alert on.
 */
const SKEW_SENTENCE = /time and system time are different by (-?\d+) seconds/;

/**
 * Forwards Octokit's own log lines to our Logger. The extra value is reduced to an error
 * message, because Octokit may pass request options that carry an authorization header.
 */
export function toOctokitLog(logger: Logger): OctokitLog {
  const fields = (extra: unknown) => ({
    source: 'octokit',
    ...(extra instanceof Error ? { error: extra.message } : {}),
  });

  return {
    debug: (message, extra) => logger.debug(message, fields(extra)),
    info: (message, extra) => logger.info(message, fields(extra)),
    error: (message, extra) => logger.error(message, fields(extra)),
    warn: (message, extra) => {
      const skew = SKEW_SENTENCE.exec(message);
      if (!skew) {
        logger.warn(message, fields(extra));
        return;
      }

      logger.warn('GitHub clock differs from ours; retrying with a corrected App JWT', {
        ...fields(extra),
        skew_seconds: Number(skew[1]),
      });
    },
  };
}
