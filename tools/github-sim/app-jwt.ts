import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * GitHub's own 401 messages for App JWTs. @octokit/auth-app matches the first three to detect
 * clock skew and retry with a corrected clock, so their wording must not drift.
 */
export const JWT_MESSAGES = {
  iatInFuture:
    "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
  expTooFar: "'Expiration time' claim ('exp') is too far in the future",
  expired:
    "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  undecodable: 'A JSON web token could not be decoded',
} as const;

/** GitHub accepts an `iat` this far ahead of its clock. */
const IAT_LEEWAY_S = 1;
const MAX_LIFETIME_S = 600;

export interface JwtClaims {
  iss: unknown;
  iat: unknown;
  exp: unknown;
}

export type JwtCheck =
  { ok: true; claims: JwtClaims } | { ok: false; message: string; claims?: JwtClaims };

/** Checks an App JWT the way GitHub does: RS256 signature, issuer, and the time claims. */
export class AppJwtVerifier {
  private readonly key: KeyObject;

  constructor(
    private readonly appId: number,
    publicKeyPem: string,
  ) {
    this.key = createPublicKey(publicKeyPem);
  }

  check(jwt: string, nowMs: number): JwtCheck {
    const parts = jwt.split('.');
    if (parts.length !== 3) return { ok: false, message: JWT_MESSAGES.undecodable };
    const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];

    const header = decodeSegment(headerPart);
    const claims = decodeSegment(claimsPart) as JwtClaims | undefined;
    if (!header || !claims || header.alg !== 'RS256') {
      return { ok: false, message: JWT_MESSAGES.undecodable };
    }

    const signed = Buffer.from(`${headerPart}.${claimsPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    if (!verify('RSA-SHA256', signed, this.key, signature)) {
      return { ok: false, message: JWT_MESSAGES.undecodable, claims };
    }

    const message = this.claimProblem(claims, Math.floor(nowMs / 1000));
    if (message) return { ok: false, message, claims };

    return { ok: true, claims };
  }

  private claimProblem(claims: JwtClaims, now: number): string | undefined {
    // Another issuer means another App's key, which this signature cannot match.
    if (String(claims.iss) !== String(this.appId)) return JWT_MESSAGES.undecodable;

    const { iat, exp } = claims;
    if (typeof exp !== 'number' || exp <= now) return JWT_MESSAGES.expired;
    if (!Number.isInteger(iat) || (iat as number) > now + IAT_LEEWAY_S) {
      return JWT_MESSAGES.iatInFuture;
    }
    if (exp - (iat as number) > MAX_LIFETIME_S) return JWT_MESSAGES.expTooFar;

    return undefined;
  }
}

/** Reads the claims without checking anything, for the request log. */
export function peekJwtClaims(jwt: string): JwtClaims | undefined {
  const claimsPart = jwt.split('.')[1];
  if (!claimsPart) return undefined;
  return decodeSegment(claimsPart) as JwtClaims | undefined;
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
