/**
 * One load run against an HTTP target with autocannon. Latencies are taken from autocannon's
 * per-response event (process.hrtime, fractional ms) rather than its histogram, which keeps
 * whole milliseconds only.
 */
import autocannon from 'autocannon';
import { LatencyRecorder, type LatencySummary } from './stats';

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  durationS?: number;
  /** Exactly this many requests. */
  amount?: number;
  /** The JSON body of the i-th request (i counts from 0 across all connections). */
  body(i: number): string;
}

export interface LoadResult {
  connections: number;
  elapsedS: number;
  /** Answers received (any status). */
  responses: number;
  /** Answers with a 2xx status. */
  ok2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** How many request bodies were built: pool ids used (some may still have been in flight at the end). */
  sent: number;
  requestsPerS: number;
  latency: LatencySummary;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = new LatencyRecorder();
  let ok2xx = 0;
  let responses = 0;
  let sent = 0;
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationS ?? 5 }),
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest(request) {
          request.body = options.body(sent++);
          return request;
        },
      },
    ],
  }, (err, result) => (err ? fail(err instanceof Error ? err : new Error(String(err))) : finish(result)));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    responses++;
    if (statusCode >= 200 && statusCode < 300) {
      ok2xx++;
      latencies.record(responseTimeMs);
    }
  });
  const result = await done;
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  // autocannon's own duration excludes its setup; prefer it when present.
  const runS = typeof result.duration === 'number' && result.duration > 0 ? result.duration : elapsedS;
  return {
    connections: options.connections,
    elapsedS: runS,
    responses,
    ok2xx,
    errors: result.errors + result.timeouts,
    sent,
    requestsPerS: ok2xx / runS,
    latency: latencies.summary(),
  };
}
