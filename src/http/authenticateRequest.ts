import type { IncomingMessage } from 'node:http';
import type { Authenticator } from '../auth/authenticator';
import { AuthenticationError, KeySetUnavailableError } from '../auth/jwtVerifier';
import type { Principal } from '../auth/principal';
import { authenticationFailure } from '../graphql/errors';
import type { Logger } from '../observability/logger';
import type { RequestScope } from '../observability/requestScope';

/**
 * Who is calling, from an Authorization value (a request's header, or a WebSocket's
 * `connection_init`); a refusal is logged and thrown as the GraphQLError the caller sees (401, or
 * 503 while the key set cannot be fetched). `log` is asked for only to log a refusal: a request's
 * own logger is made on first use, and most requests are let in.
 */
export function authenticateCaller(authenticate: Authenticator) {
  return async (authorization: string | undefined, log: () => Logger): Promise<Principal> => {
    try {
      return await authenticate(authorization);
    } catch (err) {
      // The reason (e.g. ERR_JWT_EXPIRED), never the token. A key-set outage is logged once
      // per outage by the verifier, not once per request.
      if (err instanceof AuthenticationError) log().warn({ event: 'auth.rejected', reason: err.reason }, 'request not authenticated');
      else if (!(err instanceof KeySetUnavailableError)) {
        log().error({ event: 'auth.rejected', reason: 'verifier-failed', err }, 'request could not be authenticated');
      }
      throw authenticationFailure(err);
    }
  };
}

/** `authenticateCaller` for an HTTP request, from its Authorization header. */
export function authenticateRequest(authenticate: Authenticator) {
  const caller = authenticateCaller(authenticate);
  return (req: IncomingMessage, scope: RequestScope): Promise<Principal> => caller(req.headers.authorization, () => scope.logger);
}
