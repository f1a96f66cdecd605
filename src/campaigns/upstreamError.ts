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

const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CUT_OFF = new Set(['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Classifies an undocumented failure. `mutating` is true for calls that change AWS state
 * (StartCampaign), for which a cut-off answer means the outcome is unknown.
 */
export function toUpstreamError(operation: string, err: unknown, mutating: boolean): UpstreamError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const answered = typeof e.$metadata?.httpStatusCode === 'number';
  const neverConnected =
    (e.code !== undefined && NOT_DELIVERED.has(e.code)) ||
    (e.name === 'TimeoutError' && /did not establish a connection/.test(e.message ?? ''));
  let code: UpstreamErrorCode;
  if (answered) code = 'UPSTREAM_ERROR';
  else if (neverConnected) code = 'UPSTREAM_UNAVAILABLE';
  else if (e.name === 'TimeoutError' || (e.code !== undefined && CUT_OFF.has(e.code)) || /socket hang up/i.test(e.message ?? '')) {
    code = mutating ? 'OUTCOME_UNKNOWN' : 'UPSTREAM_UNAVAILABLE';
  } else code = mutating ? 'OUTCOME_UNKNOWN' : 'UPSTREAM_ERROR';
  return new UpstreamError(operation, code, err);
}
