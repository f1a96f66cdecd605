import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Deadline } from './deadline';
import type { Pluggable } from '@smithy/types';

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

/**
 * What one call (one `send`, all its attempts) carries through the middleware. Kept per call, keyed
 * by the command's input object, and not on the middleware context: with the SDK's handler cache
 * (`cacheMiddleware`) one context is shared by every call of a command class, concurrent ones too.
 */
interface CallState {
  readonly attempts: UpstreamAttempt[];
  readonly deadline: Deadline | undefined;
  /** Whether an HTTP attempt is on the wire (the HTTP handler then answers the deadline itself). */
  inFlight: boolean;
}

const calls = new WeakMap<object, CallState>();
const deadlines = new WeakMap<object, Deadline>();
/** Where the attempt recorder hands an attempt's deadline to the HTTP handler (see `DeadlineAwareHttpHandler`). */
const REQUEST_DEADLINE = Symbol('campaignGatewayDeadline');

/** The attempts of the call that ended with `err`, when it came from a client with attempt tracking. */
const histories = new WeakMap<object, readonly UpstreamAttempt[]>();

export function attemptsOf(err: unknown): readonly UpstreamAttempt[] | undefined {
  return typeof err === 'object' && err !== null ? histories.get(err) : undefined;
}

/** The attempts recorded so far for the call of `input` (for other middleware of this client). */
export function attemptsOfCall(input: unknown): readonly UpstreamAttempt[] {
  return (typeof input === 'object' && input !== null ? calls.get(input)?.attempts : undefined) ?? [];
}

/**
 * Bounds one call by `deadline`: no attempt starts after it, the attempt on the wire is aborted,
 * and a caller waiting out a retry back-off is answered there (the SDK's back-off timer runs out
 * in the background; the retry it would start is not sent). Replaces the SDK's per-call
 * `abortSignal` option, which would bypass the SDK's handler cache. Returns `command`, to send.
 */
export function boundByDeadline<C extends { readonly input: object }>(command: C, deadline: Deadline | undefined): C {
  if (deadline) deadlines.set(command.input, deadline);
  return command;
}

/** Whether any attempt may have reached AWS without an answer coming back. */
export function mayHaveBeenDelivered(attempts: readonly UpstreamAttempt[]): boolean {
  return attempts.some((a) => a.result === 'no-answer');
}

function isAbort(err: unknown): boolean {
  return (err as ErrorShape | null)?.name === 'AbortError';
}

/** What the SDK's own abort handling throws: not retryable, classified by `isAbort`. */
function abortError(): Error {
  return Object.assign(new Error('Request aborted: the request deadline has passed'), { name: 'AbortError' });
}

/**
 * The call as its caller sees it: its outcome, or an abort as soon as the deadline passes while
 * no attempt is on the wire (during a retry back-off, say). The SDK's retry loop then stops at
 * its next attempt, which the recorder refuses to send.
 */
function untilDeadline<T>(outcome: Promise<T>, call: CallState): Promise<T> {
  const { deadline } = call;
  if (!deadline) return outcome;
  return new Promise<T>((resolve, reject) => {
    const stopWaiting = deadline.onPass(() => {
      if (!call.inFlight) reject(abortError());
    });
    outcome.then(resolve, reject).finally(stopWaiting);
  });
}

/**
 * Records every HTTP attempt of every call (inside the SDK's retry loop) and files the list
 * under the call's final error, for `attemptsOf`; bounds calls by their deadline (`boundByDeadline`).
 * When the deadline ends a call during a retry back-off, after AWS had answered, the call fails
 * with that last answer rather than with the abort: nothing was in flight, and the answer says
 * more. The client's HTTP handler must be a `DeadlineAwareHttpHandler`.
 */
export function attemptTracking<Input extends object, Output extends object>(): Pluggable<Input, Output> {
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => {
          const call: CallState = { attempts: [], deadline: deadlines.get(args.input), inFlight: false };
          calls.set(args.input, call);
          try {
            if (call.deadline?.passed) throw abortError();
            return await untilDeadline(next(args), call);
          } catch (err) {
            const { attempts } = call;
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
        (next) => async (args) => {
          const call = calls.get(args.input);
          if (!call) return next(args);
          if (call.deadline?.passed) {
            const err = abortError();
            call.attempts.push({ result: 'not-sent', error: err });
            throw err;
          }
          // After the signing step: this request object is the one the HTTP handler gets.
          if (call.deadline) (args.request as { [REQUEST_DEADLINE]?: Deadline })[REQUEST_DEADLINE] = call.deadline;
          call.inFlight = true;
          try {
            const output = await next(args);
            call.attempts.push({ result: 'answered' });
            return output;
          } catch (err) {
            call.attempts.push({ result: classifyAttemptError(err), error: err });
            throw err;
          } finally {
            call.inFlight = false;
          }
        },
        // Low priority in finalizeRequest: inside the retry and signing middleware, so once per attempt.
        { step: 'finalizeRequest', name: 'campaignGatewayAttemptRecorder', priority: 'low' },
      );
    },
  };
}

/**
 * The SDK's Node HTTP handler, with each attempt aborted by its call's deadline (handed on by the
 * attempt recorder), as the SDK's per-call `abortSignal` option would. The handler is given a
 * signal of the SDK's own minimal shape (`aborted`, `onabort`), which it supports besides
 * EventTarget signals.
 */
export class DeadlineAwareHttpHandler extends NodeHttpHandler {
  override handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    const deadline = (request as { [REQUEST_DEADLINE]?: Deadline })[REQUEST_DEADLINE];
    if (!deadline) return super.handle(request, options);
    const abortSignal: { aborted: boolean; onabort: (() => void) | null } = { aborted: deadline.passed, onabort: null };
    const stopWatching = deadline.onPass(() => {
      abortSignal.aborted = true;
      abortSignal.onabort?.();
    });
    return super.handle(request, { ...options, abortSignal }).finally(stopWatching);
  }
}
