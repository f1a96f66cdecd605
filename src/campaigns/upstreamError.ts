import { CONNECT_TIMEOUT, NOT_SENT_CODES, attemptsOf, mayHaveBeenDelivered } from '../aws/upstreamAttempts';
import type { CampaignFailure } from './types';

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
    super(`${operation} failed: ${describe(cause)}`);
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

const CUT_OFF = new Set(['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return String(err);
  } catch {
    // e.g. an object without a prototype: describing a failure must not fail.
    return Object.prototype.toString.call(err);
  }
}

/**
 * Classifies an undocumented failure. `mutating` is true for calls that change AWS state
 * (StartCampaign), for which a request that may have arrived unanswered makes the outcome unknown.
 * Judged from the call's recorded attempts when the client tracked them (src/aws/upstreamAttempts),
 * else from the final error's shape.
 */
export function toUpstreamError(operation: string, err: unknown, mutating: boolean): UpstreamError {
  const attempts = attemptsOf(err);
  return new UpstreamError(operation, attempts ? fromAttempts(err, attempts, mutating) : fromShape(err, mutating), err);
}

function fromAttempts(err: unknown, attempts: NonNullable<ReturnType<typeof attemptsOf>>, mutating: boolean): UpstreamErrorCode {
  if (mutating && (mayHaveBeenDelivered(attempts) || answeredSuccess(err))) return 'OUTCOME_UNKNOWN';
  if (attempts[attempts.length - 1]?.result === 'answered') return 'UPSTREAM_ERROR';
  // Nothing was sent (refused, unresolvable, circuit open, deadline already passed), or a read
  // got no answer: either way AWS did not give one.
  return 'UPSTREAM_UNAVAILABLE';
}

/** An AWS 2xx whose body could not be read: for a start, AWS accepted it. */
function answeredSuccess(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 200 && status < 300;
}

function fromShape(err: unknown, mutating: boolean): UpstreamErrorCode {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    isBrokenCircuitError?: boolean;
  };
  if (mutating && answeredSuccess(err)) return 'OUTCOME_UNKNOWN';
  const answered = typeof e.$metadata?.httpStatusCode === 'number';
  const neverConnected =
    (e.code !== undefined && NOT_SENT_CODES.has(e.code)) ||
    e.isBrokenCircuitError === true ||
    (e.name === 'TimeoutError' && CONNECT_TIMEOUT.test(e.message ?? ''));
  if (answered) return 'UPSTREAM_ERROR';
  if (neverConnected) return 'UPSTREAM_UNAVAILABLE';
  if (e.name === 'TimeoutError' || (e.code !== undefined && CUT_OFF.has(e.code)) || /socket hang up/i.test(e.message ?? '')) {
    return mutating ? 'OUTCOME_UNKNOWN' : 'UPSTREAM_UNAVAILABLE';
  }
  return mutating ? 'OUTCOME_UNKNOWN' : 'UPSTREAM_ERROR';
}
