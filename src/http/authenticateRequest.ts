import type { IncomingMessage } from 'node:http';
import type { Authenticator } from '../auth/authenticator';
import { AuthenticationError, KeySetUnavailableError } from '../auth/jwtVerifier';
import type { Principal } from '../auth/principal';
import { authenticationFailure } from '../graphql/errors';
import type { RequestScope } from '../observability/requestScope';

/**
 * Who is calling, from the request's Authorization header; a refusal is logged and thrown as the
 * GraphQLError the caller sees (401, or 503 while the key set cannot be fetched).
 */
export function authenticateRequest(authenticate: Authenticator) {
  return async (req: IncomingMessage, scope: RequestScope): Promise<Principal> => {
    try {
      return await authenticate(req.headers.authorization);
    } catch (err) {
      // The reason (e.g. ERR_JWT_EXPIRED), never the token. A key-set outage is logged once
      // per outage by the verifier, not once per request.
      if (err instanceof AuthenticationError) scope.logger.warn({ event: 'auth.rejected', reason: err.reason }, 'request not authenticated');
      else if (!(err instanceof KeySetUnavailableError)) {
        scope.logger.error({ event: 'auth.rejected', reason: 'verifier-failed', err }, 'request could not be authenticated');
      }
      throw authenticationFailure(err);
    }
  };
}
