import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Principal } from './principal';

/**
 * Signature algorithms a token may use: asymmetric only. `none` and HS* are never accepted (an
 * HS256 token "signed" with the issuer's public key is the classic key-confusion attack).
 */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Clock skew tolerated on `exp` and `nbf`, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface JwtVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /**
   * How the key set is cached (jose's defaults when unset): keys are refetched after
   * `cacheMaxAgeMs` (10 min), or sooner when a token names an unknown `kid`, but never more
   * often than every `cooldownMs` (30 s), so that tokens with made-up key ids cannot hammer the
   * identity provider.
   */
  jwks?: { cooldownMs?: number; cacheMaxAgeMs?: number; timeoutMs?: number; backoff?: KeySetBackoff };
  /**
   * Where the start and end of a key-set outage are logged (one line each); a pino logger fits,
   * and auth sits below observability and imports none of it.
   */
  logger?: { warn(fields: object, message: string): void; info(fields: object, message: string): void };
}

/**
 * After a failed key-set fetch, no fetch is tried for `initialMs`, doubling with each further
 * failure up to `maxMs`; requests meanwhile are answered 503 at once. jose's own cooldown holds
 * only after a successful fetch, so without this every request refetched a failing key set.
 */
export interface KeySetBackoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_KEY_SET_BACKOFF: KeySetBackoff = { initialMs: 1000, maxMs: 30_000 };

/** Thrown instead of fetching while a failed key set is backed off from. */
class KeySetBackingOff extends Error {
  override readonly name = 'KeySetBackingOff';
}

/**
 * The `fetch` jose uses for the key set: refuses at once during back-off, and sees the outcome of
 * every real fetch, so an outage's start and end are each logged once, however many requests.
 */
function backedOffFetch(url: string, backoff: KeySetBackoff, logger: JwtVerifierOptions['logger']): (url: string, init: RequestInit) => Promise<Response> {
  let failures = 0;
  let retryAt = 0;
  let outageSince = 0;
  const failed = (problem: string) => {
    failures++;
    const delayMs = Math.min(backoff.initialMs * 2 ** (failures - 1), backoff.maxMs);
    retryAt = Date.now() + delayMs;
    if (failures === 1) {
      outageSince = Date.now();
      logger?.warn({ event: 'jwks.unavailable', jwksUrl: url, problem, retryInMs: delayMs }, 'key set unavailable: tokens are answered 503 until it is fetched again');
    }
  };
  return async (fetchUrl, init) => {
    if (Date.now() < retryAt) throw new KeySetBackingOff(`key set fetch backed off after ${failures} failure(s)`);
    let response: Response;
    let text: string;
    try {
      response = await fetch(fetchUrl, init);
      text = await response.text();
    } catch (err) {
      failed(err instanceof Error ? err.message : String(err));
      throw err;
    }
    let problem: string | null = response.status === 200 ? null : `HTTP ${response.status}`;
    if (problem === null) {
      try {
        JSON.parse(text);
      } catch {
        problem = 'not JSON';
      }
    }
    if (problem !== null) failed(problem);
    else if (failures > 0) {
      logger?.info({ event: 'jwks.recovered', jwksUrl: url, failedFetches: failures, outageMs: Date.now() - outageSince }, 'key set fetched again');
      failures = 0;
      retryAt = 0;
    }
    return new Response(text, { status: response.status, headers: response.headers });
  };
}

/** The caller's token is missing or not acceptable: answered 401. `reason` is for logs (never the token). */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The key set could not be fetched, so no token can be judged: answered 503, not 401. */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
  constructor(override readonly cause: unknown) {
    super('The JSON Web Key Set could not be fetched.');
  }
}

/** jose error codes that mean the token itself is unacceptable. */
const TOKEN_FAULTS: ReadonlySet<string> = new Set([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
]);

/** Scopes of a token: the `scope` claim (space-separated string, RFC 8693) or `scp` (array, or string). */
export function scopesOf(payload: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  for (const claim of [payload['scope'], payload['scp']]) {
    const values = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
    for (const value of values) if (typeof value === 'string' && value !== '') scopes.add(value);
  }
  return scopes;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

/** Verifies bearer JWTs against a remote JWKS; resolves to the caller, or throws one of the errors above. */
export function createJwtVerifier({ jwksUrl, issuer, audience, jwks = {}, logger }: JwtVerifierOptions): TokenVerifier {
  const keySet = createRemoteJWKSet(new URL(jwksUrl), {
    [customFetch]: backedOffFetch(jwksUrl, jwks.backoff ?? DEFAULT_KEY_SET_BACKOFF, logger),
    ...(jwks.cooldownMs !== undefined ? { cooldownDuration: jwks.cooldownMs } : {}),
    ...(jwks.cacheMaxAgeMs !== undefined ? { cacheMaxAge: jwks.cacheMaxAgeMs } : {}),
    ...(jwks.timeoutMs !== undefined ? { timeoutDuration: jwks.timeoutMs } : {}),
  });
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        algorithms: ACCEPTED_ALGORITHMS,
        issuer,
        audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // A token without an expiry would be valid forever; one without a subject cannot be audited.
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && TOKEN_FAULTS.has(code)) {
        throw new AuthenticationError(code, 'The bearer token is not valid.');
      }
      throw new KeySetUnavailableError(err);
    }
    const subject = payload.sub;
    if (typeof subject !== 'string' || subject === '') {
      throw new AuthenticationError('ERR_JWT_CLAIM_VALIDATION_FAILED', 'The bearer token has no subject.');
    }
    return { subject, scopes: scopesOf(payload), ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}) };
  };
}
