/**
 * The AWS call governor: every HTTP attempt to AWS takes a token first (attemptBounds.ts asks for
 * it per attempt, inside the SDK's retry loop, so retries are governed too). One rate for the whole
 * fleet: in Redis when REDIS_URL is set (redisBucket.ts), else in this process. See docs/quota.md.
 *
 * - Priority: calls waiting here are served halt, dial, read, refresh; within one, in arrival order.
 *   A call never overtakes a waiting call of its own or a higher priority.
 * - Floors: reads never take the reserve kept for actions (tokenBucket.ts), so an action finds
 *   tokens even while dashboards spend all the rest, whichever replica they poll.
 * - Waiting: `wait: 'deadline'` waits at most until the call's deadline; `wait: 'none'` is refused
 *   at once when no token is free. A refusal is `AwsQuotaUnavailableError`: nothing was sent.
 * - Redis down or slow: this replica spends its share of the rate (`AWS_CALLS_REPLICAS`) in-process
 *   until Redis answers again; no call waits on Redis longer than its command timeout.
 */
import type { Deadline } from './deadline';
import { AwsQuotaUnavailableError, type CallPriority, type TokenRequest } from './quota';
import type { RedisLink } from './redis';
import { RedisBucket } from './redisBucket';
import { LocalBucket, shareOf, type QuotaShape, type TakeAnswer } from './tokenBucket';

/** What the governor reports (prom-client counters, histogram and gauge fit). */
export interface GovernorMetrics {
  /** Tokens by priority and outcome (granted, refused). */
  tokens: { inc(labels: { priority: CallPriority; outcome: 'granted' | 'refused' }): void };
  /** How long each granted token was waited for, by priority. */
  tokenWait: { observe(labels: { priority: CallPriority }, seconds: number): void };
  /** ThrottlingException answers from AWS, by operation. */
  throttles: { inc(labels: { operation: string }): void };
  /** Calls per second the fleet may make right now. */
  fleetRate: { set(value: number): void };
}

export interface GovernorOptions {
  quota: QuotaShape;
  /**
   * Replicas that share the rate without Redis (`AWS_CALLS_REPLICAS`): each spends 1/`replicas`
   * of it. With Redis, the share one replica spends while Redis is unavailable.
   */
  replicas?: number;
  redis?: RedisLink;
  metrics?: GovernorMetrics;
}

export interface Governor {
  /**
   * A token for one attempt of `operation`: `undefined` when granted at once (the common case,
   * kept free of promises), else a promise that resolves once granted or rejects with
   * `AwsQuotaUnavailableError`.
   */
  take(token: TokenRequest, operation: string, deadline: Deadline): Promise<void> | undefined;
  /** AWS answered ThrottlingException: the fleet's rate is cut, then recovers gradually. */
  throttled(operation: string): void;
  /** Calls per second allowed right now. */
  rate(): number;
  close(): void;
}

const RANK: Readonly<Record<CallPriority, number>> = { halt: 0, dial: 1, read: 2, refresh: 3 };

interface Waiter {
  readonly priority: CallPriority;
  readonly operation: string;
  readonly since: number;
  retryAfterMs: number;
  resolve(): void;
  reject(err: Error): void;
  stopWatching(): void;
}

export function createGovernor({ quota, replicas = 1, redis, metrics }: GovernorOptions): Governor {
  // Without Redis: the whole fleet's bucket if this is the only replica, else this replica's share.
  // With Redis: the share spent only while Redis cannot be reached.
  const local = new LocalBucket(shareOf(quota, replicas));
  const shared = redis ? new RedisBucket(redis.client, redis.key('aws-quota'), quota) : undefined;
  /** Calls waiting for a token, best first. */
  const queue: Waiter[] = [];
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  let lastRate = -1;

  function reportRate(rate: number): void {
    if (rate !== lastRate) {
      lastRate = rate;
      metrics?.fleetRate.set(rate);
    }
  }
  reportRate(quota.callsPerSecond);

  /** One take from the fleet's bucket: Redis's when it answers, else the local one. */
  function takeOne(priority: CallPriority): TakeAnswer | Promise<TakeAnswer> {
    if (shared && redis?.available) {
      return shared.take(priority).then(
        (wait) => {
          redis.reportSuccess();
          reportRate(shared.lastRate);
          if (wait === 0) local.debit();
          return wait;
        },
        (err: unknown) => {
          redis.reportFailure(err);
          return local.take(priority);
        },
      );
    }
    const wait = local.take(priority);
    reportRate(local.rate() * replicas);
    return wait;
  }

  function granted(priority: CallPriority, since: number): void {
    metrics?.tokens.inc({ priority, outcome: 'granted' });
    metrics?.tokenWait.observe({ priority }, since < 0 ? 0 : (performance.now() - since) / 1000);
  }

  function refusal(operation: string, priority: CallPriority, retryAfterMs: number): AwsQuotaUnavailableError {
    metrics?.tokens.inc({ priority, outcome: 'refused' });
    return new AwsQuotaUnavailableError(operation, priority, Math.max(1, Math.ceil(retryAfterMs)));
  }

  function enqueue(token: TokenRequest, operation: string, deadline: Deadline, retryAfterMs: number, since: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        priority: token.priority,
        operation,
        since,
        retryAfterMs,
        resolve,
        reject,
        stopWatching: () => undefined,
      };
      let at = queue.length;
      while (at > 0 && RANK[(queue[at - 1] as Waiter).priority] > RANK[token.priority]) at--;
      queue.splice(at, 0, waiter);
      waiter.stopWatching = deadline.onPass(() => {
        const index = queue.indexOf(waiter);
        if (index === -1) return;
        queue.splice(index, 1);
        reject(refusal(operation, waiter.priority, waiter.retryAfterMs));
        // The head may have changed: the next one may be servable now.
        if (index === 0) schedule(0);
      });
      if (at === 0) schedule(retryAfterMs);
    });
  }

  function schedule(ms: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void pump();
    }, ms);
    // Waiting calls hold their requests open; the timer alone keeps nothing alive.
    timer.unref();
  }

  /** Serves the queue from its head while tokens come, then sleeps until the head's may be free. */
  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      for (let head = queue[0]; head; head = queue[0]) {
        const answer = takeOne(head.priority);
        const wait = typeof answer === 'number' ? answer : await answer;
        // The head left (its deadline passed) while Redis answered: a token taken for it is let go
        // rather than handed to a call whose floor might not have allowed it.
        if (queue[0] !== head) continue;
        if (wait > 0) {
          head.retryAfterMs = wait;
          schedule(wait);
          return;
        }
        queue.shift();
        serve(head);
      }
    } finally {
      pumping = false;
    }
  }

  function serve(waiter: Waiter): void {
    waiter.stopWatching();
    granted(waiter.priority, waiter.since);
    waiter.resolve();
  }

  /** After a take answered `wait`: a refusal, or a place in the queue. */
  function afterWait(token: TokenRequest, operation: string, deadline: Deadline, wait: number, since: number): Promise<void> {
    if (token.wait === 'none' || deadline.passed) return Promise.reject(refusal(operation, token.priority, wait));
    return enqueue(token, operation, deadline, wait, since);
  }

  return {
    take(token, operation, deadline) {
      const head = queue[0];
      if (head && RANK[head.priority] <= RANK[token.priority]) {
        // Others of this priority or a higher one wait already: behind them, or refused at once.
        if (token.wait === 'none' || deadline.passed) return Promise.reject(refusal(operation, token.priority, head.retryAfterMs));
        return enqueue(token, operation, deadline, head.retryAfterMs, performance.now());
      }
      const answer = takeOne(token.priority);
      if (typeof answer === 'number') {
        if (answer === 0) {
          granted(token.priority, -1);
          return undefined;
        }
        return afterWait(token, operation, deadline, answer, performance.now());
      }
      const since = performance.now();
      return answer.then((wait) => {
        if (wait === 0) {
          granted(token.priority, since);
          return undefined;
        }
        return afterWait(token, operation, deadline, wait, since);
      });
    },
    throttled(operation) {
      metrics?.throttles.inc({ operation });
      local.throttled();
      if (shared && redis?.available) {
        shared.throttled().then(
          () => reportRate(shared.lastRate),
          (err: unknown) => redis.reportFailure(err),
        );
      } else reportRate(local.rate() * replicas);
    },
    rate: () => (shared && redis?.available ? shared.lastRate : local.rate() * replicas),
    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const waiter of queue.splice(0)) {
        waiter.stopWatching();
        waiter.reject(refusal(waiter.operation, waiter.priority, waiter.retryAfterMs));
      }
    },
  };
}
