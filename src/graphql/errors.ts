import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { HeaderMap } from '@apollo/server';
import { AuthenticationError } from '../auth/jwtVerifier';
import { failureForCaller } from './failureForCaller';

/** Whether an error is one AWS or the gateway did not document (and so is logged in full, and masked). */
export function isUnexpected(error: unknown): boolean {
  return failureForCaller(error).unexpected;
}

/**
 * Apollo's formatError: documented outcomes keep their message and code; anything unexpected gets
 * a fixed message and a code, its details going to the log only (see the logging plugin).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const failure = failureForCaller(error);
  if (failure.asRaised) return formatted;
  const { locations, path } = formatted;
  return { message: failure.message, locations, path, extensions: { code: failure.code, ...failure.extensions } };
}

/**
 * What a caller sees when its request cannot be authenticated: 401 UNAUTHENTICATED (with
 * `WWW-Authenticate: Bearer`, RFC 6750) for a missing or bad token, 503 when the identity
 * provider's key set cannot be fetched (the token may be fine). Thrown from the context function,
 * so nothing executes and AWS is never called.
 */
export function authenticationFailure(err: unknown): GraphQLError {
  const { code, message, httpStatus } = failureForCaller(err);
  // Typed as a plain record: graphql-yoga (loaded beside this in the Hive Gateway tests) declares
  // GraphQLErrorExtensions' `http.headers` globally as an object, where Apollo needs a HeaderMap.
  const http: Record<string, unknown> = { status: httpStatus };
  if (err instanceof AuthenticationError) {
    http['headers'] = new HeaderMap([['www-authenticate', err.reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"']]);
  }
  const extensions: Record<string, unknown> = { code, http };
  return new GraphQLError(message, { extensions });
}
