import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { HeaderMap } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { AuthenticationError, KeySetUnavailableError } from '../auth/jwtVerifier';
import { AwsCallBudgetExceededError, AwsQuotaUnavailableError, CampaignReadError, UpstreamError, type UpstreamErrorCode } from '../campaigns/upstreamError';
import { AWS_CALL_BUDGET_EXCEEDED, BUDGET_ADVICE } from './limits/awsCallBudget';
import { toCampaignErrorPayload } from './campaignActionPayload';

const UPSTREAM_MESSAGES: Record<UpstreamErrorCode, string> = {
  UPSTREAM_UNAVAILABLE: 'The campaign service (AWS) could not be reached. Try again later.',
  OUTCOME_UNKNOWN:
    'The campaign service (AWS) did not answer in time, so whether the action happened is unknown. ' +
    'Retrying is safe: repeating an action that did happen (starting a running campaign, say) answers ' +
    'InvalidCampaignStateError with the current state.',
  UPSTREAM_ERROR: 'The campaign service (AWS) failed unexpectedly. The failure was logged.',
};

/**
 * The AWS call rate the fleet may use is spent and nothing known could answer (docs/reads.md):
 * documented, retryable after `retryAfterMs`.
 */
export const AWS_QUOTA_EXHAUSTED = 'AWS_QUOTA_EXHAUSTED';

/** Whether an error is one AWS or the gateway did not document (and so is logged in full, and masked). */
export function isUnexpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  return (
    !(original instanceof GraphQLError) &&
    !(original instanceof CampaignReadError) &&
    !(original instanceof AwsCallBudgetExceededError) &&
    !(original instanceof AwsQuotaUnavailableError)
  );
}

/**
 * Apollo's formatError: documented outcomes keep their message and code; anything unexpected gets
 * a fixed message and a code, its details going to the log only (see the logging plugin).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const { locations, path } = formatted;
  if (original instanceof UpstreamError) {
    return { message: UPSTREAM_MESSAGES[original.code], locations, path, extensions: { code: original.code } };
  }
  if (original instanceof AwsCallBudgetExceededError) {
    return {
      message: `This request used all ${original.limit} AWS calls one request may make, so this field was not served. ${BUDGET_ADVICE}`,
      locations,
      path,
      extensions: { code: AWS_CALL_BUDGET_EXCEEDED, limit: original.limit },
    };
  }
  if (original instanceof AwsQuotaUnavailableError) {
    return {
      message: `The AWS call rate this gateway may use is spent and nothing is known yet of what this field asks, so it was not served. Retry in ${original.retryAfterMs} ms.`,
      locations,
      path,
      extensions: { code: AWS_QUOTA_EXHAUSTED, retryable: true, retryAfterMs: original.retryAfterMs },
    };
  }
  if (original instanceof CampaignReadError) {
    const payload = toCampaignErrorPayload(original.failure);
    return {
      message: payload.message,
      locations,
      path,
      extensions: { code: payload.code, retryable: payload.retryable, requestId: payload.requestId },
    };
  }
  // A GraphQLError raised on purpose (parse, validation, BAD_USER_INPUT, ...) is meant for callers.
  if (original instanceof GraphQLError) return formatted;
  return { message: 'Internal server error', locations, path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * What a caller sees when its request cannot be authenticated: 401 UNAUTHENTICATED (with
 * `WWW-Authenticate: Bearer`, RFC 6750) for a missing or bad token, 503 when the identity
 * provider's key set cannot be fetched (the token may be fine). Thrown from the context function,
 * so nothing executes and AWS is never called.
 */
export function authenticationFailure(err: unknown): GraphQLError {
  if (err instanceof AuthenticationError) {
    const challenge = err.reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
    // Typed as a plain record: graphql-yoga (loaded beside this in the Hive Gateway tests) declares
    // GraphQLErrorExtensions' `http.headers` globally as an object, where Apollo needs a HeaderMap.
    const extensions: Record<string, unknown> = {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: new HeaderMap([['www-authenticate', challenge]]) },
    };
    return new GraphQLError(err.message, { extensions });
  }
  if (err instanceof KeySetUnavailableError) {
    return new GraphQLError('Tokens cannot be verified right now. Try again later.', {
      extensions: { code: 'AUTHENTICATION_UNAVAILABLE', http: { status: 503 } },
    });
  }
  return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } } });
}
