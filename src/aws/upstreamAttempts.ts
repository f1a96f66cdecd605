import { SMITHY_CONTEXT_KEY, type HandlerExecutionContext, type Pluggable } from '@smithy/types';

/**
 * What became of one HTTP attempt of an AWS call:
 * - answered: AWS sent a status line (success or a service error);
 * - not-sent: the request never left (connection refused, name not resolved, connect timeout);
 * - no-answer: the request may have reached AWS but no answer came (timeout, reset, abort).
 *   For a call that changes state, the change may or may not have happened.
 */
export type AttemptResult = 'answered' | 'not-sent' | 'no-answer';

export interface UpstreamAttempt {
  result: AttemptResult;
  /** The attempt's error as the HTTP handler or deserializer threw it; absent on success. */
  error?: unknown;
}

/** Socket error codes of a request that never left. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** @smithy/node-http-handler's message for its connect timeout (its name is just TimeoutError). */
export const CONNECT_TIMEOUT = /did not establish a connection/;

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: unknown;
}

/**
 * Classifies one attempt's error by its shape, not its class: under some runtimes (Jest's VM
 * contexts) Node's socket errors are not `instanceof Error` of the SDK's realm. Whatever is not
 * known to be unsent counts as possibly delivered.
 */
export function classifyAttemptError(err: unknown): AttemptResult {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  if (typeof e.$metadata?.httpStatusCode === 'number' || e.$response !== undefined) return 'answered';
  if (typeof e.code === 'string' && NOT_SENT_CODES.has(e.code)) return 'not-sent';
  if (typeof e.message === 'string' && (CONNECT_TIMEOUT.test(e.message) || /\bECONNREFUSED\b/.test(e.message))) return 'not-sent';
  return 'no-answer';
}

const ATTEMPTS = Symbol('campaignGatewayAttempts');
type TrackedContext = HandlerExecutionContext & { [ATTEMPTS]?: UpstreamAttempt[] };

/** The attempts of the call that ended with `err`, when it came from a client with attempt tracking. */
const histories = new WeakMap<object, readonly UpstreamAttempt[]>();

export function attemptsOf(err: unknown): readonly UpstreamAttempt[] | undefined {
  return typeof err === 'object' && err !== null ? histories.get(err) : undefined;
}

/** The attempts recorded so far for the call running in `context` (for other middleware of this client). */
export function attemptsInContext(context: HandlerExecutionContext): readonly UpstreamAttempt[] {
  return (context as TrackedContext)[ATTEMPTS] ?? [];
}

/** Whether any attempt may have reached AWS without an answer coming back. */
export function mayHaveBeenDelivered(attempts: readonly UpstreamAttempt[]): boolean {
  return attempts.some((a) => a.result === 'no-answer');
}

function isAbort(err: unknown): boolean {
  return (err as ErrorShape | null)?.name === 'AbortError';
}

/**
 * Records every HTTP attempt of every call (inside the SDK's retry loop) and files the list
 * under the call's final error, for `attemptsOf`. When the deadline aborts a call during a
 * retry back-off, after AWS had answered, the call fails with that last answer rather than
 * with the abort: nothing was in flight, and the answer says more.
 */
export function attemptTracking<Input extends object, Output extends object>(): Pluggable<Input, Output> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          const attempts: UpstreamAttempt[] = [];
          (context as TrackedContext)[ATTEMPTS] = attempts;
          try {
            return await next(args);
          } catch (err) {
            const last = attempts[attempts.length - 1];
            const final =
              isAbort(err) && last?.result === 'answered' && last.error !== undefined && typeof last.error === 'object'
                ? last.error
                : err;
            if (typeof final === 'object' && final !== null) histories.set(final, attempts);
            throw final;
          }
        },
        { step: 'initialize', name: 'campaignGatewayAttemptHistory', priority: 'high' },
      );
      stack.add(
        (next, context) => async (args) => {
          const attempts = (context as TrackedContext)[ATTEMPTS];
          // The HTTP handler refuses at once a request whose deadline has already passed.
          const abortedBefore = (context[SMITHY_CONTEXT_KEY] as { abortSignal?: AbortSignal } | undefined)?.abortSignal?.aborted === true;
          try {
            const output = await next(args);
            attempts?.push({ result: 'answered' });
            return output;
          } catch (err) {
            attempts?.push({ result: abortedBefore && isAbort(err) ? 'not-sent' : classifyAttemptError(err), error: err });
            throw err;
          }
        },
        // Low priority in finalizeRequest: inside the retry middleware, so once per attempt.
        { step: 'finalizeRequest', name: 'campaignGatewayAttemptRecorder', priority: 'low' },
      );
    },
  };
}
