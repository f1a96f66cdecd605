import { ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';

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
 * count: those already come back as typed, retryable errors. Calls pass through it in
 * `CampaignsApi.send` (campaignsClient.ts).
 */
export function createUpstreamBreaker({ failures, openMs }: UpstreamBreakerOptions): CircuitBreakerPolicy {
  return circuitBreaker(handleAll, { halfOpenAfter: openMs, breaker: new ConsecutiveBreaker(failures) });
}
