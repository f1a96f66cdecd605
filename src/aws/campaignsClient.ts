/**
 * The one way to AWS Connect Outbound Campaigns. `createCampaignsClient` builds the process's SDK
 * client; `forRequest` hands each GraphQL request a `CampaignsApi` of its own, and everything the
 * gateway promises about that request's AWS work is kept here, in this order:
 *
 * 1. the budget: at most `maxCallsPerRequest` calls per request (retries, and calls the governor
 *    held back unsent, not counted);
 * 2. the deadline: no attempt starts after it, and an attempt still on the wire at it (headers
 *    or body) is cut (attemptBounds.ts);
 * 3. the governor: a token for each attempt (governor.ts), the first one taken before the breaker,
 *    so that a call waiting for a token is never the breaker's half-open trial;
 *    then the circuit breaker: calls fail at once, unsent, while AWS gives no answer at all;
 * 4. each HTTP attempt, recorded and classified by what happened on the wire (attemptClassifier.ts),
 *    and cut at `requestTimeoutMs` whether it waits for headers or for the rest of a body;
 * 5. the duration histogram.
 *
 * Under all of them, reads are shared across requests (sharedReads.ts): a read another request
 * already has in flight, or answered less than READ_CACHE_MAX_AGE_MS ago, is not sent again, and
 * costs this request none of its budget.
 *
 * A failed call is an `AwsCallFailure` carrying its attempts; a call over budget is refused with
 * `AwsCallBudgetExceededError` before anything is sent (callFailure.ts). Nothing outside the
 * boundary sees the SDK client (sdkClient.ts), its middleware stack or the per-call bookkeeping.
 */
import type { ConnectCampaignsV2Client, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-connectcampaignsv2';
import type { Handler } from '@smithy/types';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { classifyAttempt, notSent, type ErrorShape } from './attemptClassifier';
import { abortError, endCall, finalError, startCall, takeFirstToken, untilDeadline, untilOwnDeadline, type CallState } from './attemptBounds';
import { AwsCallBudgetExceededError, AwsCallFailure, type UpstreamAttempt } from './callFailure';
import { Deadline } from './deadline';
import { isCampaignException } from './exceptions';
import type { AwsProviders } from './awsReadiness';
import type { Governor } from './governor';
import { MUTATING_OPERATIONS, operationOf, tokenRequestOf } from './operations';
import { AwsQuotaUnavailableError, type CallPriority, type TokenRequest } from './quota';
import { buildSdkClient } from './sdkClient';
import { createSharedReads, type BackgroundSide, type KnownState, type RequestSide, type SharedReadsOptions } from './sharedReads';

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
  /** Every attempt takes a token from it first (governor.ts); absent: calls are not rate-limited. */
  governor?: Governor;
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
  /**
   * A `CampaignsApi` for one GraphQL request, with its own deadline (default `deadlineMs`) and
   * budget. `priority`: the token priority of its reads (default `read`: a caller waits on them);
   * actions always take their own (stop and pause `halt`, start and resume `dial`).
   */
  forRequest(overrides?: { deadline?: Deadline; maxCalls?: number; priority?: CallPriority }): RequestCampaignsApi;
  /**
   * A `CampaignsApi` for work no request waits on (background refreshes, the live-state poller):
   * every call has a deadline of its own (`deadlineMs`), no request budget, and takes `refresh`
   * tokens, the last ones the governor hands out.
   */
  forBackground(): CampaignsApi;
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
  const { governor } = options;
  const staleAge = options.metrics?.readStaleAge;
  // A background refresh of the shared reads is a request of its own, of one call, at `refresh` priority.
  const sides = new WeakMap<object, RequestSide>();
  const background = (): BackgroundSide => {
    const api = forRequest({ maxCalls: 1, priority: 'refresh' });
    return { ...(sides.get(api) as RequestSide), close: () => api.close() };
  };
  const reads = options.sharedReads
    ? createSharedReads({
        ...options.sharedReads,
        background,
        onStale: (operation, ageMs) => staleAge?.observe({ operation }, ageMs / 1000),
      })
    : undefined;

  async function sendOnce<Output extends ServiceOutputTypes>(command: CampaignsCommand<Output>, call: CallState): Promise<Output> {
    const run = () => untilDeadline(Promise.resolve(client.send(command as never) as Promise<Output>), call);
    if (!options.breaker) return run();
    await takeFirstToken(call);
    type Outcome = { ok: true; value: Output } | { ok: false; error: unknown };
    // Answered failures pass the breaker as values, so that they count as successes. A retry the
    // governor held back says nothing about AWS: the attempts sent before it decide.
    const outcome: Outcome = await options.breaker.execute(async () => {
      try {
        return { ok: true, value: await run() };
      } catch (error) {
        const sent = call.attempts.filter((a) => !(a.error instanceof AwsQuotaUnavailableError));
        if (sent.length > 0 && sent.every((a) => a.result !== 'answered')) throw error;
        return { ok: false, error };
      }
    });
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  function forRequest({
    deadline = Deadline.in(deadlineMs),
    maxCalls = defaultMaxCalls,
    priority = 'read' as CallPriority,
  } = {}): RequestCampaignsApi {
    let callsMade = 0;
    /** This request's own AWS call: budget, deadline, tokens, breaker, attempts, histogram. */
    async function call<Output extends ServiceOutputTypes>(command: CampaignsCommand<Output>, token?: TokenRequest): Promise<Output> {
      const operation = operationOf(command);
      if (callsMade >= maxCalls) throw new AwsCallBudgetExceededError(maxCalls, operation);
      callsMade++;
      const end = histogram?.startTimer({ operation });
      const bounds = { deadline, attemptTimeoutMs: options.requestTimeoutMs, operation, governor };
      const state = startCall(command, { ...bounds, token: token ?? tokenRequestOf(operation, priority) });
      try {
        if (deadline.passed) throw notSent(abortError());
        const output = await sendOnce(command, state);
        end?.({ outcome: 'success' });
        return output;
      } catch (err) {
        const refused = quotaRefusal(state.attempts);
        const attempts = refused ? state.attempts.slice(0, -1) : [...state.attempts];
        // Held back before anything was sent: the refusal itself, and no call of the budget spent.
        // A retry held back: the last answer.
        if (refused && attempts.every((a) => a.result === 'not-sent')) {
          callsMade--;
          end?.({ outcome: 'error' });
          throw refused;
        }
        const final = refused ? attempts[attempts.length - 1]?.error : finalError(err, attempts);
        end?.({ outcome: outcomeLabel(final) });
        throw new AwsCallFailure(operation, attempts.length > 0 ? attempts : [{ result: classifyAttempt(final), error: final }], final);
      } finally {
        endCall(command);
      }
    }
    const side: RequestSide = {
      // The shared reads ask for `read` tokens; work nobody waits on never takes more than `refresh`.
      call: (command, token) => call(command as CampaignsCommand, token && priority === 'refresh' ? { ...token, priority } : token),
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
    forBackground: () => ({
      send(command) {
        const api = forRequest({ priority: 'refresh', maxCalls: Number.MAX_SAFE_INTEGER });
        return api.send(command).finally(() => api.close());
      },
    }),
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
    destroy: () => {
      governor?.close();
      client.destroy();
    },
  };
}

/** The governor's refusal, when it ended the call's last attempt. */
function quotaRefusal(attempts: readonly UpstreamAttempt[]): AwsQuotaUnavailableError | undefined {
  const last = attempts[attempts.length - 1]?.error;
  return last instanceof AwsQuotaUnavailableError ? last : undefined;
}

function outcomeLabel(err: unknown): string {
  const name = (err as ErrorShape | null)?.name;
  return isCampaignException(name) ? name : 'error';
}
