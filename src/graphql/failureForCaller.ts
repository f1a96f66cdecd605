import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AuthenticationError, KeySetUnavailableError } from '../auth/jwtVerifier';
import { awsRequestIdOf } from '../campaigns/awsErrors';
import { AwsCallBudgetExceededError, AwsQuotaUnavailableError, CampaignReadError, UpstreamError, type UpstreamErrorCode } from '../campaigns/upstreamError';
import { AWS_CALL_BUDGET_EXCEEDED, BUDGET_ADVICE } from './limits/awsCallBudget';
import { toCampaignErrorPayload } from './campaignActionPayload';

/** What a caller sees of a failure on the gateway's side, and what the logs and audit keep of it. */
export interface CallerFailure {
  /** `extensions.code`. */
  code: string;
  message: string;
  /** Extensions beyond `code` (retryability, AWS request id, the budget's limit). */
  extensions: Record<string, unknown>;
  /** The response's status when the failure refuses the whole request; field errors answer 200. */
  httpStatus?: number;
  /** A GraphQLError raised on purpose (parse, validation, BAD_USER_INPUT, ...): shown as raised. */
  asRaised: boolean;
  /**
   * Not a documented outcome: logged in full. An AWS failure AWS did not document keeps its code
   * for the caller (UPSTREAM_UNAVAILABLE, ...); anything else is masked as INTERNAL_SERVER_ERROR.
   */
  unexpected: boolean;
  /** AWS's request id, when AWS answered. */
  awsRequestId: string | null;
}

/**
 * The AWS call rate the fleet may use is spent and nothing known could answer a read
 * (docs/reads.md): documented, retryable after `retryAfterMs`.
 */
export const AWS_QUOTA_EXHAUSTED = 'AWS_QUOTA_EXHAUSTED';

const UPSTREAM_MESSAGES: Record<UpstreamErrorCode, string> = {
  UPSTREAM_UNAVAILABLE: 'The campaign service (AWS) could not be reached. Try again later.',
  OUTCOME_UNKNOWN:
    'The campaign service (AWS) did not answer in time, so whether the action happened is unknown. ' +
    'Retrying is safe: repeating an action that did happen (starting a running campaign, say) answers ' +
    'InvalidCampaignStateError with the current state.',
  UPSTREAM_ERROR: 'The campaign service (AWS) failed unexpectedly. The failure was logged.',
};

const documented = (code: string, message: string, more: Partial<CallerFailure> = {}): CallerFailure => ({
  code,
  message,
  extensions: {},
  asRaised: false,
  unexpected: false,
  awsRequestId: null,
  ...more,
});

/**
 * The one mapping from a failure on the gateway's side to what the caller sees: used by
 * formatError (the answer), the unexpected-error log and the audit of actions (`errorCode`).
 */
export function failureForCaller(error: unknown): CallerFailure {
  const original = unwrapResolverError(error);
  if (original instanceof UpstreamError) {
    return documented(original.code, UPSTREAM_MESSAGES[original.code], { unexpected: true, awsRequestId: awsRequestIdOf(original.cause) });
  }
  if (original instanceof AwsCallBudgetExceededError) {
    return documented(
      AWS_CALL_BUDGET_EXCEEDED,
      `This request used all ${original.limit} AWS calls one request may make, so this field was not served. ${BUDGET_ADVICE}`,
      { extensions: { limit: original.limit } },
    );
  }
  if (original instanceof AwsQuotaUnavailableError) {
    return documented(
      AWS_QUOTA_EXHAUSTED,
      `The AWS call rate this gateway may use is spent and nothing is known yet of what this field asks, so it was not served. Retry in ${original.retryAfterMs} ms.`,
      { extensions: { retryable: true, retryAfterMs: original.retryAfterMs } },
    );
  }
  if (original instanceof CampaignReadError) {
    const { code, message, retryable, requestId } = toCampaignErrorPayload(original.failure);
    return documented(code, message, { extensions: { retryable, requestId }, awsRequestId: requestId ?? null });
  }
  if (original instanceof AuthenticationError) return documented('UNAUTHENTICATED', original.message, { httpStatus: 401 });
  if (original instanceof KeySetUnavailableError) {
    return documented('AUTHENTICATION_UNAVAILABLE', 'Tokens cannot be verified right now. Try again later.', { httpStatus: 503 });
  }
  if (original instanceof GraphQLError) {
    const code = original.extensions['code'];
    return documented(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR', original.message, { asRaised: true });
  }
  return { ...documented('INTERNAL_SERVER_ERROR', 'Internal server error', { httpStatus: 500 }), unexpected: true };
}
