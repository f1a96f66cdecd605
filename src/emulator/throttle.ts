import { OPERATION_NAMES, type OperationName } from './types';

/** The account's rate, as AWS applies it to every caller together. */
export interface ThrottleSpec {
  callsPerSecond: number;
  burst: number;
}

export interface ThrottleState {
  /** null when calls are not throttled. */
  limit: ThrottleSpec | null;
  /** Calls answered 429 ThrottlingException since the last reset, by operation. */
  throttled: Record<OperationName, number>;
  total: number;
}

/**
 * An account-wide token bucket, as Amazon Connect throttles its APIs per account and Region: every
 * operation, every caller together. A call that finds no token is answered 429 ThrottlingException
 * ("Rate exceeded") at once, and changes nothing.
 */
export class AccountThrottle {
  private limit: ThrottleSpec | null = null;
  private tokens = 0;
  private at = 0;
  private readonly counts = new Map<OperationName, number>();
  private total = 0;

  constructor(limit?: ThrottleSpec | null) {
    this.set(limit ?? null);
  }

  /** A new limit (null: off); the bucket starts full. */
  set(limit: ThrottleSpec | null): void {
    if (limit !== null) {
      const { callsPerSecond, burst } = limit;
      if (typeof callsPerSecond !== 'number' || !Number.isFinite(callsPerSecond) || callsPerSecond <= 0) {
        throw new TypeError('callsPerSecond must be a positive number');
      }
      if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1) throw new TypeError('burst must be a positive integer');
      this.limit = { callsPerSecond, burst };
      this.tokens = burst;
    } else {
      this.limit = null;
    }
    this.at = performance.now();
  }

  /** Whether a call of `operation` may run now (it then takes a token); counts it when not. */
  admit(operation: OperationName): boolean {
    const limit = this.limit;
    if (limit === null) return true;
    const now = performance.now();
    this.tokens = Math.min(limit.burst, this.tokens + ((now - this.at) / 1000) * limit.callsPerSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
    this.total++;
    return false;
  }

  state(): ThrottleState {
    const throttled = {} as Record<OperationName, number>;
    for (const op of OPERATION_NAMES) throttled[op] = this.counts.get(op) ?? 0;
    return { limit: this.limit, throttled, total: this.total };
  }

  /** Forgets the counts and fills the bucket; the limit stays. */
  reset(): void {
    this.counts.clear();
    this.total = 0;
    if (this.limit) this.tokens = this.limit.burst;
    this.at = performance.now();
  }
}
