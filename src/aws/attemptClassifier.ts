/** The one classifier of an HTTP attempt: what happened on the wire, judged from its error. */
import type { AttemptResult } from './callFailure';

/** Socket error codes of a request that never left. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Codes of a connection cut once the request may have left. */
const CUT_OFF_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
/** Marks errors of a call or attempt that never left: refused by the boundary, or no connection came up. */
const NOT_SENT = Symbol('campaignGatewayNotSent');

export interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: unknown;
  isBrokenCircuitError?: unknown;
  [NOT_SENT]?: true;
}

/**
 * Classifies one attempt by what happened on the wire. `cut` says this module aborted it while
 * on the wire (deadline or attempt timeout). Judged by shape, not class: under some runtimes
 * (Jest's VM contexts) Node's socket errors are not `instanceof Error` of the SDK's realm.
 * Whatever is not known to be unsent, nor known to be answered in full, may have been delivered.
 */
export function classifyAttempt(error: unknown, wire: { cut?: boolean } = {}): AttemptResult {
  if (error === undefined) return 'answered';
  if (wire.cut) return 'no-answer';
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const code = typeof e.code === 'string' ? e.code : '';
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (e[NOT_SENT] === true || e.isBrokenCircuitError === true) return 'not-sent';
  if (typeof e.$metadata?.httpStatusCode === 'number' || e.$response !== undefined) {
    // A status line came. A body cut short is no answer; a complete one (a service error, or a
    // body that could not be parsed) is.
    const bodyCut =
      CUT_OFF_CODES.has(code) || name === 'TimeoutError' || name === 'AbortError' || /\baborted\b|socket hang up|premature close/i.test(message);
    return bodyCut ? 'no-answer' : 'answered';
  }
  if (NOT_SENT_CODES.has(code)) return 'not-sent';
  if (/\bECONNREFUSED\b/.test(message)) return 'not-sent';
  return 'no-answer';
}

/** Marks an error of a call or attempt that never left (see `NOT_SENT`). */
export function notSent<E extends Error>(err: E): E {
  return Object.assign(err, { [NOT_SENT]: true as const });
}
