import type { CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** Logs the AWS circuit breaker's changes of state and keeps the circuit gauge current. */
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
