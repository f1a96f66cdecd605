/**
 * The one way to AWS Connect Outbound Campaigns. `createCampaignsClient` builds the process's SDK
 * client; `forRequest` hands each GraphQL request a `CampaignsApi` of its own, and everything the
 * gateway promises about that request's AWS work is kept here, in this order:
 *
 * 1. the budget: at most `maxCallsPerRequest` calls per request (retries not counted);
 * 2. the deadline: no attempt starts after it, and an attempt still on the wire at it (headers
 *    or body) is cut;
 * 3. the circuit breaker: calls fail at once, unsent, while AWS gives no answer at all;
 * 4. each HTTP attempt, recorded and classified by what happened on the wire (`classifyAttempt`),
 *    and cut at `requestTimeoutMs` whether it waits for headers or for the rest of a body;
 * 5. the duration histogram.
 *
 * Under all of them, reads are shared across requests (sharedReads.ts): a read another request
 * already has in flight, or answered less than READ_CACHE_MAX_AGE_MS ago, is not sent again, and
 * costs this request none of its budget.
 *
 * A failed call is an `AwsCallFailure` carrying its attempts; a call over budget is refused with
 * `AwsCallBudgetExceededError` before anything is sent. Nothing outside this module sees the SDK
 * client, its middleware stack or the per-call bookkeeping below.
 */
import {
  ConnectCampaignsV2Client,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-connectcampaignsv2';
import { version as sdkVersion } from '@aws-sdk/client-connectcampaignsv2/package.json';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Handler, HttpHandlerOptions, Pluggable } from '@smithy/types';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { Deadline } from './deadline';
import { isCampaignException } from './exceptions';
import type { AwsProviders } from './awsReadiness';
import type { TokenRequest } from './quota';
import { createSharedReads, type BackgroundSide, type KnownState, type RequestSide, type SharedReadsOptions } from './sharedReads';

// ---------------------------------------------------------------------------------------------
// What the service layer sees

/**
 * AWS operations that change a campaign's state. A lost answer to one of them leaves the outcome
 * unknown (it may have happened), never "not sent". One row per action.
 */
export const MUTATING_OPERATIONS: ReadonlySet<string> = new Set(['StartCampaign', 'PauseCampaign', 'ResumeCampaign', 'StopCampaign']);

/** An SDK command of this service (any `new XxxCommand(input)` of @aws-sdk/client-connectcampaignsv2). */
export interface CampaignsCommand<Output extends ServiceOutputTypes = ServiceOutputTypes> {
  readonly input: ServiceInputTypes;
  resolveMiddleware(...args: never[]): Handler<never, Output>;
}

/** What the service layer may do with AWS: send a command, within its request's budget and deadline. */
export interface CampaignsApi {
  /**
   * The command's output; or `AwsCallFailure` (with the attempts made), or
   * `AwsCallBudgetExceededError` when the request has used up its calls (nothing is sent).
   */
  send<Output extends ServiceOutputTypes>(command: CampaignsCommand<Output>): Promise<Output>;
  /**
   * Write-through: keeps a state the gateway's own successful action caused, so that every replica
   * answers it at once with no AWS call. Absent (or a no-op) when reads are not shared.
   */
  rememberState?(known: KnownState): void;
}

/** A request's `CampaignsApi`; `close` it when the request is over (its deadline timer goes too). */
export interface RequestCampaignsApi extends CampaignsApi {
  /** Calls sent so far (refused ones not counted). */
  readonly callsMade: number;
  close(): void;
}

/**
 * What became of one HTTP attempt of an AWS call:
 * - answered: AWS sent a status line and a complete body (a success or a service error);
 * - not-sent: the request never left (connection refused, name not resolved, connect timeout,
 *   or refused here: deadline passed, circuit open);
 * - no-answer: the request may have reached AWS but no complete answer came back (timeout,
 *   reset, a status line whose body never completed). For a mutating call the change may have
 *   happened.
 */
export type AttemptResult = 'answered' | 'not-sent' | 'no-answer';

export interface UpstreamAttempt {
  result: AttemptResult;
  /** The attempt's error as the HTTP handler or deserializer threw it; absent on success. */
  error?: unknown;
}

/** An AWS call that did not succeed. Its message is for logs, never for callers. */
export class AwsCallFailure extends Error {
  override readonly name = 'AwsCallFailure';
  readonly mutating: boolean;
  constructor(
    readonly operation: string,
    /** Every attempt, in order; at least one (a call refused before sending counts one not-sent). */
    readonly attempts: readonly UpstreamAttempt[],
    /** The SDK's error of the call (AWS's exception when it answered). */
    override readonly cause: unknown,
  ) {
    super(`${operation} failed: ${describeError(cause)}`);
    this.mutating = MUTATING_OPERATIONS.has(operation);
  }

  /** Whether any attempt may have reached AWS without its answer coming back. */
  get mayHaveBeenDelivered(): boolean {
    return this.attempts.some((a) => a.result === 'no-answer');
  }

  /** Whether the last attempt got a complete answer from AWS. */
  get answered(): boolean {
    return this.attempts[this.attempts.length - 1]?.result === 'answered';
  }
}

/** The request has made all the AWS calls it may (`MAX_AWS_CALLS_PER_REQUEST`); this one was not sent. */
export class AwsCallBudgetExceededError extends Error {
  override readonly name = 'AwsCallBudgetExceededError';
  constructor(
    readonly limit: number,
    readonly operation: string,
  ) {
    super(`${operation} not sent: the request has used its ${limit} AWS calls`);
  }
}

// ---------------------------------------------------------------------------------------------
// The one classifier

/** Socket error codes of a request that never left. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Codes of a connection cut once the request may have left. */
const CUT_OFF_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
/** @smithy/node-http-handler's message for its connect timeout (its name is just TimeoutError). */
const CONNECT_TIMEOUT = /did not establish a connection/;
/** Marks errors this module throws for a call or attempt it refused to send. */
const NOT_SENT = Symbol('campaignGatewayNotSent');

interface ErrorShape {
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
  if (CONNECT_TIMEOUT.test(message) || /\bECONNREFUSED\b/.test(message)) return 'not-sent';
  return 'no-answer';
}

// ---------------------------------------------------------------------------------------------
// The factory

/** What the duration histogram needs (a prom-client Histogram fits). */
export interface DurationHistogram {
  startTimer(labels: { operation: string }): (labels: { outcome: string }) => unknown;
}

/** Ages of reads answered stale (a prom-client Histogram fits). */
export interface StaleAgeHistogram {
  observe(labels: { operation: string }, seconds: number): void;
}

export interface CampaignsClientOptions {
  /** Limit on one HTTP attempt, from sending to the last byte of the answer; past it the attempt is cut (and may be retried). */
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  /** Limit on all AWS work of one request (`forRequest`), retries and back-off included. */
  deadlineMs?: number;
  /** Most AWS calls one request may send (`MAX_AWS_CALLS_PER_REQUEST`). */
  maxCallsPerRequest?: number;
  /**
   * The bundled emulator's base URL. When set, the client talks to it with a fixed region and
   * fake credentials; otherwise the SDK's standard configuration (environment, profile,
   * AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2, AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, ...) applies unchanged.
   */
  emulatorEndpoint?: string;
  metrics?: { upstreamDuration: DurationHistogram; readStaleAge?: StaleAgeHistogram };
  /** Overrides AWS_MAX_ATTEMPTS; for tests that need exact call counts. */
  maxAttempts?: number;
  /**
   * A fixed back-off between attempts instead of the SDK's (about 1 s base after throttling);
   * for tests only, so that retried faults stay fast. Needs `maxAttempts`.
   */
  retryDelayMs?: number;
  /** Fails calls at once while AWS is plainly down (see circuitBreaker.ts). */
  breaker?: CircuitBreakerPolicy;
  /**
   * Reads shared across requests (READ_CACHE_MAX_AGE_MS, READ_STALE_MAX_AGE_MS, READ_CACHE_MAX_ENTRIES,
   * READ_CACHE_MAX_BYTES, and the Redis store when REDIS_URL is set); absent or a max age of 0:
   * every request makes its own calls.
   */
  sharedReads?: Omit<SharedReadsOptions, 'background' | 'onStale'>;
  /** Replaces the HTTP transport; for benchmarks that answer in-process. Attempts are then not cut by time. */
  transportForBenchmarks?: ConnectCampaignsV2Client['config']['requestHandler'];
}

export interface CampaignsClient {
  /** A `CampaignsApi` for one GraphQL request, with its own deadline (default `deadlineMs`) and budget. */
  forRequest(overrides?: { deadline?: Deadline; maxCalls?: number }): RequestCampaignsApi;
  /** Listens to every campaign state the shared reads keep, read or caused by an action (the live-state feed); returns how to stop. */
  onState(listener: (known: KnownState) => void): () => void;
  /** What the shared reads keep in this process right now; undefined when reads are not shared. */
  readCache(): { entries: number; bytes: number } | undefined;
  /** The SDK's resolved retry settings (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS), for tests and start-up logs. */
  retrySettings(): Promise<{ mode: string | undefined; maxAttempts: number }>;
  /** The SDK client's own region and credential providers, which every call uses (start-up checks). */
  readonly providers: AwsProviders;
  destroy(): void;
}

export const DEFAULT_MAX_CALLS_PER_REQUEST = 100;
const DEFAULT_DEADLINE_MS = 10_000;

/** The one SDK client of a gateway process. This is the only module that constructs one. */
export function createCampaignsClient(options: CampaignsClientOptions): CampaignsClient {
  const client = buildSdkClient(options);
  const histogram = options.metrics?.upstreamDuration;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const defaultMaxCalls = options.maxCallsPerRequest ?? DEFAULT_MAX_CALLS_PER_REQUEST;
  const staleAge = options.metrics?.readStaleAge;
  // ---- shared reads: a background refresh is sent as a request of its own, of one call
  // (the governor replaces this with its `forBackground()`).
  const sides = new WeakMap<object, RequestSide>();
  const background = (): BackgroundSide => {
    const api = forRequest({ maxCalls: 1 });
    return { ...(sides.get(api) as RequestSide), close: () => api.close() };
  };
  const reads = options.sharedReads
    ? createSharedReads({
        ...options.sharedReads,
        background,
        onStale: (operation, ageMs) => staleAge?.observe({ operation }, ageMs / 1000),
      })
    : undefined;
  // ---- end shared reads

  async function sendOnce<Output extends ServiceOutputTypes>(command: CampaignsCommand<Output>, call: CallState): Promise<Output> {
    const run = () => untilDeadline(Promise.resolve(client.send(command as never) as Promise<Output>), call);
    if (!options.breaker) return run();
    type Outcome = { ok: true; value: Output } | { ok: false; error: unknown };
    // Answered failures pass the breaker as values, so that they count as successes.
    const outcome: Outcome = await options.breaker.execute(async () => {
      try {
        return { ok: true, value: await run() };
      } catch (error) {
        if (call.attempts.length > 0 && call.attempts.every((a) => a.result !== 'answered')) throw error;
        return { ok: false, error };
      }
    });
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  function forRequest({ deadline = Deadline.in(deadlineMs), maxCalls = defaultMaxCalls } = {}): RequestCampaignsApi {
    let callsMade = 0;
    /**
     * This request's own AWS call: budget, deadline, breaker, attempts, histogram. `_token` says
     * how the call asks the governor for its token (default: a read waiting until the deadline).
     */
    async function call<Output extends ServiceOutputTypes>(command: CampaignsCommand<Output>, _token?: TokenRequest): Promise<Output> {
      const operation = operationOf(command);
      if (callsMade >= maxCalls) throw new AwsCallBudgetExceededError(maxCalls, operation);
      callsMade++;
      const end = histogram?.startTimer({ operation });
      const state = startCall(command, deadline, options.requestTimeoutMs);
      try {
        if (deadline.passed) throw notSent(abortError());
        const output = await sendOnce(command, state);
        end?.({ outcome: 'success' });
        return output;
      } catch (err) {
        const final = finalError(err, state.attempts);
        end?.({ outcome: outcomeLabel(final) });
        const attempts = state.attempts.length > 0 ? [...state.attempts] : [{ result: classifyAttempt(final), error: final }];
        throw new AwsCallFailure(operation, attempts, final);
      } finally {
        calls.delete(command.input);
      }
    }
    const side: RequestSide = {
      call: (command, token) => call(command as CampaignsCommand, token),
      // A joined call that failed for its leader's own reasons is asked again by those who joined it.
      ownFailure: (err) => err instanceof AwsCallBudgetExceededError || deadline.passed,
      wait: (shared, operation) => untilOwnDeadline(shared, deadline, operation),
    };
    const api: RequestCampaignsApi = {
      get callsMade() {
        return callsMade;
      },
      close: () => deadline.dispose(),
      send<Output extends ServiceOutputTypes>(command: CampaignsCommand<Output>): Promise<Output> {
        if (!reads) return call(command);
        const shared = reads.send(command, side);
        if (shared) return shared as Promise<Output>;
        if (!MUTATING_OPERATIONS.has(operationOf(command))) return call(command);
        // Whatever the outcome (a lost answer may have changed it too), the campaign is read afresh next time.
        const { id } = command.input as { id?: string };
        return call(command).finally(() => {
          if (id !== undefined) reads.forgetCampaign(id);
        });
      },
      rememberState: (known) => reads?.rememberState(known),
    };
    sides.set(api, side);
    return api;
  }

  return {
    forRequest,
    onState: (listener) => reads?.onState(listener) ?? (() => undefined),
    readCache: () => (reads ? { entries: reads.size, bytes: reads.bytes } : undefined),
    async retrySettings() {
      const strategy = (await client.config.retryStrategy()) as { mode?: string };
      return { mode: strategy.mode, maxAttempts: await client.config.maxAttempts() };
    },
    providers: {
      region: () => client.config.region(),
      credentials: () => client.config.credentials(),
    },
    destroy: () => client.destroy(),
  };
}

function outcomeLabel(err: unknown): string {
  const name = (err as ErrorShape | null)?.name;
  return isCampaignException(name) ? name : 'error';
}

/** Operation names by command class: worked out once per class, not on every send. */
const operations = new WeakMap<object, string>();

function operationOf(command: object): string {
  let operation = operations.get(command.constructor);
  if (operation === undefined) {
    operation = command.constructor.name.replace(/Command$/, '');
    operations.set(command.constructor, operation);
  }
  return operation;
}

/**
 * When the deadline ends a call during a retry back-off after AWS had answered, the call fails
 * with that last answer rather than with the abort: nothing was in flight, and the answer says more.
 */
function finalError(err: unknown, attempts: readonly UpstreamAttempt[]): unknown {
  const last = attempts[attempts.length - 1];
  return isAbort(err) && last?.result === 'answered' && typeof last.error === 'object' && last.error !== null ? last.error : err;
}

/** An error as one line for logs; never fails. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return String(err);
  } catch {
    // e.g. an object without a prototype: describing a failure must not fail.
    return Object.prototype.toString.call(err);
  }
}

// ---------------------------------------------------------------------------------------------
// Per call and per attempt, inside the SDK (this is where SDK internals are relied on; see
// test/unit/campaignsClientSdk.test.ts, which fails when the SDK changes under them)

/**
 * One call (one `send`, all its attempts). Kept by the command's input object, not on the
 * middleware context: with the SDK's handler cache (`cacheMiddleware`) one context is shared by
 * every call of a command class, concurrent ones too.
 */
interface CallState {
  readonly attempts: UpstreamAttempt[];
  readonly deadline: Deadline;
  readonly attemptTimeoutMs: number;
  /** An attempt is on the wire (the deadline then cuts it, and its failure ends the call). */
  inFlight: boolean;
  /** Set while the caller waits: ends the wait once the deadline has passed and nothing is on the wire. */
  endWait?: () => void;
}

/** One attempt on the wire: cut by the deadline or the attempt timeout, headers or body. */
class AttemptWatch {
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

function startCall(command: CampaignsCommand, deadline: Deadline, attemptTimeoutMs: number): CallState {
  if (calls.has(command.input)) throw new TypeError('a command object may be sent only once at a time');
  const call: CallState = { attempts: [], deadline, attemptTimeoutMs, inFlight: false };
  calls.set(command.input, call);
  return call;
}

function isAbort(err: unknown): boolean {
  return (err as ErrorShape | null)?.name === 'AbortError';
}

/** What the SDK's own abort handling throws: not retryable. */
function abortError(): Error {
  return Object.assign(new Error('Request aborted: the request deadline has passed'), { name: 'AbortError' });
}

function attemptTimeoutError(ms: number): Error {
  // The shape of the Node handler's own request timeout, which the SDK retries as transient.
  return Object.assign(new Error(`the AWS answer did not complete within ${ms} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

function notSent<E extends Error>(err: E): E {
  return Object.assign(err, { [NOT_SENT]: true as const });
}

/**
 * The call as its caller sees it: its outcome, or an abort as soon as the deadline has passed with
 * no attempt on the wire (during a retry back-off, say; the SDK's retry loop then stops at its next
 * attempt, which the recorder refuses to send). An attempt on the wire is cut, and its failure ends the call.
 */
function untilDeadline<T>(outcome: Promise<T>, call: CallState): Promise<T> {
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
function untilOwnDeadline<T>(shared: Promise<T>, deadline: Deadline, operation: string): Promise<T> {
  const expired = () => new AwsCallFailure(operation, [{ result: 'not-sent', error: notSent(abortError()) }], abortError());
  if (deadline.passed) return Promise.reject(expired());
  return new Promise<T>((resolve, reject) => {
    const stop = deadline.onPass(() => reject(expired()));
    shared.then(resolve, reject).finally(stop);
  });
}

/** Records and bounds every HTTP attempt; inside the SDK's retry and signing steps, so once per attempt. */
const attemptRecorder: Pluggable<ServiceInputTypes, ServiceOutputTypes> = {
  applyToStack(stack) {
    stack.add(
      (next) => async (args) => {
        const call = calls.get(args.input);
        if (!call) throw new TypeError('AWS calls go through CampaignsApi.send');
        if (call.deadline.passed) {
          const err = notSent(abortError());
          call.attempts.push({ result: 'not-sent', error: err });
          throw err;
        }
        const watch = new AttemptWatch();
        const request = args.request as WatchedRequest;
        request[ATTEMPT_WATCH] = watch;
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
 * The SDK's Node HTTP handler, with each attempt cut when its watch says so: before the headers
 * through the SDK's own minimal abort-signal shape (`aborted`, `onabort`), after them by
 * destroying the body stream the deserializer is reading.
 */
export class AttemptBoundHttpHandler extends NodeHttpHandler {
  override async handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    const watch = (request as WatchedRequest)[ATTEMPT_WATCH];
    if (!watch) return super.handle(request, options);
    const abortSignal: { aborted: boolean; onabort: (() => void) | null } = { aborted: false, onabort: null };
    const answer: { body?: { destroy(err: Error): void } } = {};
    watch.whenCut((err) => {
      answer.body?.destroy(err);
      abortSignal.aborted = true;
      abortSignal.onabort?.();
    });
    let output: Awaited<ReturnType<NodeHttpHandler['handle']>>;
    try {
      output = await super.handle(request, { ...options, abortSignal } as HttpHandlerOptions);
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
 * What the SDK's user-agent middleware sends, minus the parts it recomputes on every call (OS
 * release, per-call feature codes): AWS (and CloudTrail's userAgent) still see who is calling.
 */
const USER_AGENT = `aws-sdk-js/${sdkVersion} lang/js md/nodejs#${process.versions.node} api/connectcampaignsv2#${sdkVersion} app/campaign-gateway`;
const X_AMZ_USER_AGENT = `aws-sdk-js/${sdkVersion}`;

/** SDK steps that do nothing for this gateway but cost CPU on every call (see `buildSdkClient`). */
export const REMOVED_SDK_STEPS = ['loggerMiddleware', 'recursionDetectionMiddleware', 'getUserAgentMiddleware'] as const;

/**
 * Without an explicit signer the SDK builds a new SigV4 signer, copying the whole client config,
 * for every request. The signer depends only on the signing scope (region and service name, from
 * the endpoint's auth scheme) and reads credentials through the client's provider on every
 * signature, so one per scope signs exactly as before (credential refresh included).
 */
function reuseSigners(client: ConnectCampaignsV2Client): void {
  type Signer = ConnectCampaignsV2Client['config']['signer'];
  const build: Signer = client.config.signer;
  const byScope = new Map<string, ReturnType<Signer>>();
  client.config.signer = (authScheme) => {
    const scope = `${authScheme?.name}|${authScheme?.signingRegion}|${authScheme?.signingName}`;
    let signer = byScope.get(scope);
    if (!signer) {
      signer = build(authScheme);
      byScope.set(scope, signer);
      // A failed build (e.g. no region yet) is retried on the next request, as without reuse.
      signer.catch(() => byScope.delete(scope));
    }
    return signer;
  };
}

function buildSdkClient(options: CampaignsClientOptions): ConnectCampaignsV2Client {
  const client = new ConnectCampaignsV2Client({
    // The middleware stack is resolved once per command class instead of on every call. That holds
    // only for calls sent without per-call options (so deadlines are not passed as `abortSignal`),
    // and one middleware context is then shared by all calls of a class (so per-call state is kept
    // by the command's input).
    cacheMiddleware: true,
    // Attempts are timed by the recorder over the whole answer; the handler bounds connecting.
    requestHandler: options.transportForBenchmarks ?? new AttemptBoundHttpHandler({ connectionTimeout: options.connectTimeoutMs }),
    // Retries stay the SDK's own (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE): standard mode spends a
    // shared retry quota, so a throttling storm stops being retried instead of being multiplied.
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryDelayMs !== undefined && options.maxAttempts !== undefined
      ? { retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts, options.retryDelayMs) }
      : {}),
    ...(options.emulatorEndpoint
      ? {
          endpoint: options.emulatorEndpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator' },
        }
      : {}),
  });
  // The SDK's logger step (no SDK logger is configured), Lambda's trace-id propagation (this is
  // not a Lambda), and a user agent rebuilt per call (replaced by a fixed one).
  for (const step of REMOVED_SDK_STEPS) {
    if (!client.middlewareStack.remove(step)) throw new Error(`the AWS SDK has no middleware ${step} any more: review campaignsClient.ts`);
  }
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> } | undefined;
      if (request?.headers) {
        request.headers['user-agent'] = USER_AGENT;
        request.headers['x-amz-user-agent'] = X_AMZ_USER_AGENT;
      }
      return next(args);
    },
    { step: 'build', name: 'campaignGatewayUserAgent', priority: 'low' },
  );
  reuseSigners(client);
  client.middlewareStack.use(attemptRecorder);
  return client;
}
