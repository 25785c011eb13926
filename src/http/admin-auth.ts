import type { MiddlewareHandler } from 'hono';

import type { Logger } from '../core/ports/telemetry.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/**
 * Lets a request through only with `Authorization: Bearer <token>`. The presented token is
 * compared by HMAC under a key made for this process, with Web Crypto's verify: the time
 * taken does not depend on how many characters agree, nor on the token's length, since both
 * sides are reduced to digests of one size. Neither token is ever logged or echoed.
 */
export function requireAdminToken(token: string, logger: Logger): MiddlewareHandler {
  const expected = digestOf(token);

  return async function checkAdminToken(c, next) {
    const header = c.req.header('authorization');
    const presented = header === undefined ? undefined : BEARER.exec(header)?.[1];
    const { key, digest } = await expected;
    const valid =
      presented !== undefined &&
      (await crypto.subtle.verify('HMAC', key, digest, new TextEncoder().encode(presented)));

    if (!valid) {
      logger.warn('admin request refused', {
        method: c.req.method,
        path: c.req.path,
        reason: header === undefined ? 'no_authorization' : 'wrong_token',
      });
      return c.json(
        { error: 'unauthorized', message: 'the admin API needs Authorization: Bearer <token>' },
        401,
        { 'WWW-Authenticate': 'Bearer realm="ghr-admin"' },
      );
    }
    await next();
  };
}

async function digestOf(token: string): Promise<{ key: HmacKey; digest: ArrayBuffer }> {
  const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  const digest = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(token));
  return { key, digest };
}
