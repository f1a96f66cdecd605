/**
 * The bounds of one call and of each of its HTTP attempts: no attempt starts after the request's
 * deadline, an attempt still on the wire at it (headers or body) is cut, and each attempt is cut at
 * its own timeout. Per-call bookkeeping is kept by the command's input; the attempt recorder runs
 * inside the SDK's retry loop (see sdkClient.ts, and test/unit/sdkClient.test.ts, which fails when
 * the SDK changes under them).
 */
import type { ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-connectcampaignsv2';
import type { Pluggable } from '@smithy/types';
import { classifyAttempt, notSent, type ErrorShape } from './attemptClassifier';
import { AwsCallFailure, type UpstreamAttempt } from './callFailure';
import type { CampaignsCommand } from './campaignsClient';
import type { Deadline } from './deadline';
import type { Governor } from './governor';
import type { TokenRequest } from './quota';
import { UndiciHttpHandler, type MinimalAbortSignal } from './undiciHttpHandler';

/**
 * One call (one `send`, all its attempts). Kept by the command's input object, not on the
 * middleware context: with the SDK's handler cache (`cacheMiddleware`) one context is shared by
 * every call of a command class, concurrent ones too.
 */
export interface CallState {
  readonly attempts: UpstreamAttempt[];
  readonly deadline: Deadline;
  readonly attemptTimeoutMs: number;
  readonly operation: string;
  /** Each attempt takes a token of this kind from the governor first (none when ungoverned). */
  readonly token: TokenRequest;
  readonly governor: Governor | undefined;
  /**
   * An attempt is under way: waiting for its token (the governor ends that wait at the deadline)
   * or on the wire (the deadline then cuts it, and its failure ends the call).
   */
  inFlight: boolean;
  /** Set while the caller waits: ends the wait once the deadline has passed and nothing is on the wire. */
  endWait?: () => void;
  /** The first attempt's token was taken already (`takeFirstToken`). */
  tokenTaken?: boolean;
}

/** One attempt on the wire: cut by the deadline or the attempt timeout, headers or body. */
export class AttemptWatch {
  cut: Error | undefined;
  private onCut: ((err: Error) => void) | undefined;

  cutNow(err: Error): void {
    if (this.cut) return;
    this.cut = err;
    this.onCut?.(err);
  }

  whenCut(listener: (err: Error) => void): void {
    this.onCut = listener;
    if (this.cut) listener(this.cut);
  }

  /** The attempt is over: nothing is cut any more, and what the listener holds (the answer's stream) is let go. */
  end(): void {
    this.onCut = undefined;
  }
}

const calls = new WeakMap<object, CallState>();
/**
 * On the signed HTTP request object, which the HTTP handler receives: a property rather than a
 * WeakMap entry, since a minor GC keeps a WeakMap's values (and the answer stream a watch holds)
 * alive into the old generation.
 */
const ATTEMPT_WATCH = Symbol('campaignGatewayAttemptWatch');
type WatchedRequest = { [ATTEMPT_WATCH]?: AttemptWatch };

/** Puts a new watch on the signed request the HTTP handler is about to send. */
export function watchAttempt(request: object): AttemptWatch {
  const watch = new AttemptWatch();
  (request as WatchedRequest)[ATTEMPT_WATCH] = watch;
  return watch;
}

export function startCall(
  command: CampaignsCommand,
  bounds: Pick<CallState, 'deadline' | 'attemptTimeoutMs' | 'operation' | 'token' | 'governor'>,
): CallState {
  if (calls.has(command.input)) throw new TypeError('a command object may be sent only once at a time');
  const call: CallState = { ...bounds, attempts: [], inFlight: false };
  calls.set(command.input, call);
  return call;
}

/** The call is over (whatever its outcome): its command may be sent again. */
export function endCall(command: CampaignsCommand): void {
  calls.delete(command.input);
}

export function isAbort(err: unknown): boolean {
  return (err as ErrorShape | null)?.name === 'AbortError';
}

/** What the SDK's own abort handling throws: not retryable. */
export function abortError(): Error {
  return Object.assign(new Error('Request aborted: the request deadline has passed'), { name: 'AbortError' });
}

function attemptTimeoutError(ms: number): Error {
  // The shape of the Node handler's own request timeout, which the SDK retries as transient.
  return Object.assign(new Error(`the AWS answer did not complete within ${ms} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

/**
 * The call as its caller sees it: its outcome, or an abort as soon as the deadline has passed with
 * no attempt on the wire (during a retry back-off, say; the SDK's retry loop then stops at its next
 * attempt, which the recorder refuses to send). An attempt on the wire is cut, and its failure ends the call.
 */
export function untilDeadline<T>(outcome: Promise<T>, call: CallState): Promise<T> {
  const { deadline } = call;
  return new Promise<T>((resolve, reject) => {
    call.endWait = () => {
      if (deadline.passed && !call.inFlight) reject(abortError());
    };
    const stopWaiting = deadline.onPass(() => call.endWait?.());
    outcome.then(resolve, reject).finally(() => {
      stopWaiting();
      call.endWait = undefined;
    });
  });
}

/**
 * A joined call as one request sees it: its answer, or, once this request's deadline passes first,
 * a failure of its own that sent nothing.
 */
export function untilOwnDeadline<T>(shared: Promise<T>, deadline: Deadline, operation: string): Promise<T> {
  const expired = () => new AwsCallFailure(operation, [{ result: 'not-sent', error: notSent(abortError()) }], abortError());
  if (deadline.passed) return Promise.reject(expired());
  return new Promise<T>((resolve, reject) => {
    const stop = deadline.onPass(() => reject(expired()));
    shared.then(resolve, reject).finally(stop);
  });
}

/**
 * Waits for the attempt's token. A refusal (no token before the deadline, or none free for a call
 * that does not wait) is the attempt's end, recorded as not sent; the call then fails with it.
 */
async function waitForToken(call: CallState, token: Promise<void>): Promise<void> {
  call.inFlight = true;
  try {
    await token;
  } catch (err) {
    call.attempts.push({ result: 'not-sent', error: notSent(err as Error) });
    throw err;
  } finally {
    call.inFlight = false;
    call.endWait?.();
  }
}

/**
 * Takes the first attempt's token before the call passes the circuit breaker: calls wait on the
 * breaker's half-open trial, so a trial waiting for a token would hold a stop behind a read. A
 * call the open circuit then fails at once has spent its token.
 */
export async function takeFirstToken(call: CallState): Promise<void> {
  const token = call.governor?.take(call.token, call.operation, call.deadline);
  if (token) await waitForToken(call, token);
  call.tokenTaken = true;
}

/**
 * Records and bounds every HTTP attempt, each taking its token from the governor first. It sits
 * inside the SDK's retry and signing steps, so once per attempt: a retry (after a throttle, say) is
 * governed like a first attempt, at its call's priority, so a throttled stop is retried ahead of
 * reads. (Owning retries in the boundary instead would mean re-doing the SDK's retry quota and
 * back-off.)
 */
export const attemptRecorder: Pluggable<ServiceInputTypes, ServiceOutputTypes> = {
  applyToStack(stack) {
    stack.add(
      (next) => async (args) => {
        const call = calls.get(args.input);
        if (!call) throw new TypeError('AWS calls go through CampaignsApi.send');
        const token = call.tokenTaken ? undefined : call.governor?.take(call.token, call.operation, call.deadline);
        call.tokenTaken = false;
        if (token) await waitForToken(call, token);
        if (call.deadline.passed) {
          const err = notSent(abortError());
          call.attempts.push({ result: 'not-sent', error: err });
          throw err;
        }
        const request = args.request as WatchedRequest;
        const watch = watchAttempt(request);
        const timer = setTimeout(() => watch.cutNow(attemptTimeoutError(call.attemptTimeoutMs)), call.attemptTimeoutMs);
        const stopWatching = call.deadline.onPass(() => watch.cutNow(abortError()));
        call.inFlight = true;
        try {
          // Deserialization (reading the body) happens inside `next`: the watch covers the whole answer.
          const output = await next(args);
          call.attempts.push({ result: 'answered' });
          return output;
        } catch (err) {
          call.attempts.push({ result: classifyAttempt(err, { cut: watch.cut !== undefined }), error: err });
          if ((err as ErrorShape | null)?.name === 'ThrottlingException') call.governor?.throttled(call.operation);
          throw err;
        } finally {
          clearTimeout(timer);
          stopWatching();
          watch.end();
          request[ATTEMPT_WATCH] = undefined;
          call.inFlight = false;
          call.endWait?.();
        }
      },
      { step: 'finalizeRequest', name: 'campaignGatewayAttemptRecorder', priority: 'low' },
    );
  },
};

/**
 * The AWS HTTP handler, with each attempt cut when its watch says so: before the headers through
 * the SDK's minimal abort-signal shape (`aborted`, `onabort`), which the handler answers at once
 * even while the request waits for a connection; after them by destroying the body stream the
 * deserializer is reading.
 */
export class AttemptBoundHttpHandler extends UndiciHttpHandler {
  override async handle(...[request, options = {}]: Parameters<UndiciHttpHandler['handle']>): ReturnType<UndiciHttpHandler['handle']> {
    const watch = (request as WatchedRequest)[ATTEMPT_WATCH];
    if (!watch) return super.handle(request, options);
    const abortSignal: MinimalAbortSignal = { aborted: false, onabort: null };
    const answer: { body?: { destroy(err: Error): void } } = {};
    watch.whenCut((err) => {
      answer.body?.destroy(err);
      abortSignal.aborted = true;
      abortSignal.onabort?.();
    });
    let output: Awaited<ReturnType<UndiciHttpHandler['handle']>>;
    try {
      output = await super.handle(request, { ...options, abortSignal });
    } catch (err) {
      // The handler reports every abort as AbortError; a cut says which it was (a timeout is retried).
      throw watch.cut ?? err;
    }
    answer.body = output.response.body as { destroy(err: Error): void };
    if (watch.cut) answer.body.destroy(watch.cut);
    return output;
  }
}

/**
 * When the deadline ends a call during a retry back-off after AWS had answered, the call fails
 * with that last answer rather than with the abort: nothing was in flight, and the answer says more.
 */
export function finalError(err: unknown, attempts: readonly UpstreamAttempt[]): unknown {
  const last = attempts[attempts.length - 1];
  return isAbort(err) && last?.result === 'answered' && typeof last.error === 'object' && last.error !== null ? last.error : err;
}
