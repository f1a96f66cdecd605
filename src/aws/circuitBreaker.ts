import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import type { Pluggable } from '@smithy/types';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { attemptsOfCall } from './upstreamAttempts';

export { BrokenCircuitError, CircuitState };

export interface UpstreamBreakerOptions {
  /** Consecutive calls that got no answer from AWS at all before the circuit opens. */
  failures: number;
  /** How long the open circuit fails calls at once before letting one trial call through. */
  openMs: number;
}

/**
 * Fails AWS calls at once, without sending them, while AWS is plainly down: after `failures`
 * consecutive calls (each with all its retries) in which no attempt got any answer (refused,
 * timed out, reset), for `openMs`; then one trial call decides (calls arriving meanwhile wait for
 * it). Any answer from AWS, errors included (throttling, 500s), shows AWS is up and resets the
 * count: those already come back as typed, retryable errors.
 */
export function createUpstreamBreaker({ failures, openMs }: UpstreamBreakerOptions): CircuitBreakerPolicy {
  return circuitBreaker(handleAll, { halfOpenAfter: openMs, breaker: new ConsecutiveBreaker(failures) });
}

/** Logs the breaker's changes of state and keeps the circuit gauge current. */
export function watchBreaker(breaker: CircuitBreakerPolicy, logger: Logger, metrics?: Pick<Metrics, 'upstreamCircuitOpen'>): void {
  breaker.onBreak(() => {
    metrics?.upstreamCircuitOpen.set(1);
    logger.error({ event: 'upstream.circuit', state: 'open' }, 'AWS is not answering: failing campaign calls at once for a while');
  });
  breaker.onHalfOpen(() => logger.warn({ event: 'upstream.circuit', state: 'half-open' }, 'trying one AWS call'));
  breaker.onReset(() => {
    metrics?.upstreamCircuitOpen.set(0);
    logger.info({ event: 'upstream.circuit', state: 'closed' }, 'AWS answers again');
  });
}

/** Whether a failed call got nothing back from AWS on any attempt (and made at least one). */
function gotNoAnswer(input: unknown): boolean {
  const attempts = attemptsOfCall(input);
  return attempts.length > 0 && attempts.every((a) => a.result !== 'answered');
}

/** Puts every call of a client through `breaker`; must be added after `attemptTracking`. */
export function breakerMiddleware<Input extends object, Output extends object>(breaker: CircuitBreakerPolicy): Pluggable<Input, Output> {
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => {
          type Outcome = { ok: true; value: Awaited<ReturnType<typeof next>> } | { ok: false; error: unknown };
          // Answered failures are passed through as values, so they count as successes.
          const outcome: Outcome = await breaker.execute(async () => {
            try {
              return { ok: true, value: await next(args) };
            } catch (error) {
              if (gotNoAnswer(args.input)) throw error;
              return { ok: false, error };
            }
          });
          if (!outcome.ok) throw outcome.error;
          return outcome.value;
        },
        { step: 'initialize', name: 'campaignGatewayCircuitBreaker', priority: 'normal' },
      );
    },
  };
}
