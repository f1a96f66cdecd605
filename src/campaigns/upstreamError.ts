import { AwsCallBudgetExceededError, type AwsCallFailure, describeError } from '../aws/callFailure';
import type { CampaignFailure } from './types';

export { AwsCallBudgetExceededError };
/** No AWS call token could be had in time and nothing was known to answer with (see docs/reads.md). */
export { AwsQuotaUnavailableError } from '../aws/quota';

/**
 * Codes of failures AWS did not document, as callers see them in `extensions.code`:
 * - UPSTREAM_UNAVAILABLE: AWS could not be reached; the request was never delivered.
 * - OUTCOME_UNKNOWN: a state-changing request may have reached AWS but no answer came
 *   (timeout, connection reset). Retrying a start is safe: a second start of a running campaign
 *   answers InvalidCampaignStateError with state RUNNING.
 * - UPSTREAM_ERROR: AWS answered with something undocumented (an unmodelled exception, a bad body).
 */
export type UpstreamErrorCode = 'UPSTREAM_UNAVAILABLE' | 'OUTCOME_UNKNOWN' | 'UPSTREAM_ERROR';

/** An AWS call failed in a way AWS did not document. Its message is for logs, never for callers. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly operation: string,
    readonly code: UpstreamErrorCode,
    override readonly cause: unknown,
  ) {
    super(`${operation} failed: ${describeError(cause)}`);
  }
}

/**
 * A documented AWS failure of a read (throttling, access denied, ...). Reads have no error union,
 * so it becomes a field error that keeps the code, retryability and request id.
 */
export class CampaignReadError extends Error {
  override readonly name = 'CampaignReadError';
  constructor(
    readonly operation: string,
    readonly failure: CampaignFailure,
  ) {
    super(failure.message);
  }
}

/**
 * Classifies an undocumented failure from the call's attempts, as the AWS boundary classified
 * them (`classifyAttempt`): for a mutating call, once an attempt may have arrived unanswered (or
 * AWS said 2xx with an unreadable body), the outcome is unknown.
 */
export function toUpstreamError(failure: AwsCallFailure): UpstreamError {
  return new UpstreamError(failure.operation, codeOf(failure), failure.cause);
}

function codeOf(failure: AwsCallFailure): UpstreamErrorCode {
  if (failure.mutating && (failure.mayHaveBeenDelivered || answeredSuccess(failure.cause))) return 'OUTCOME_UNKNOWN';
  if (failure.answered) return 'UPSTREAM_ERROR';
  // Nothing was sent (refused, unresolvable, circuit open, deadline already passed), or a read
  // got no answer: either way AWS did not give one.
  return 'UPSTREAM_UNAVAILABLE';
}

/** An AWS 2xx whose body could not be read: for a start, AWS accepted it. */
function answeredSuccess(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 200 && status < 300;
}
