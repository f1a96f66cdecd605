import type { AuthConfig } from '../config';
import type { Principal } from './principal';
import { AuthenticationError, createJwtVerifier, type JwtVerifierOptions } from './jwtVerifier';

/** The caller when authentication is off (AUTH_MODE=none): may do everything. */
export const ANONYMOUS: Principal = Object.freeze({ subject: 'anonymous', scopes: 'all' as const });

/** Finds who is calling from the request's Authorization header; throws AuthenticationError when it cannot. */
export type Authenticator = (authorization: string | undefined) => Promise<Principal>;

// RFC 6750: "Bearer" (any case), one space, then the token in its base64url/JWT alphabet.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** `logger` gets one line when the key set becomes unavailable and one when it is fetched again. */
export function createAuthenticator(auth: AuthConfig, jwks?: JwtVerifierOptions['jwks'], logger?: JwtVerifierOptions['logger']): Authenticator {
  if (auth.mode === 'none') return async () => ANONYMOUS;
  const verify = createJwtVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience, jwks, logger });
  return async (authorization) => {
    if (authorization === undefined || authorization === '') {
      throw new AuthenticationError('missing', 'A bearer token is required.');
    }
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) throw new AuthenticationError('malformed', 'The Authorization header is not a bearer token.');
    return verify(token);
  };
}
