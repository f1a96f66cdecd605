/**
 * The AWS call rate as a token bucket with a floor per priority, and the back-off after AWS
 * throttles. The in-process bucket below and the Redis script (redisBucket.ts) do the same
 * arithmetic; see docs/quota.md.
 */
import type { CallPriority } from './quota';

/** The rate all replicas together may spend (`AWS_CALLS_PER_SECOND`, `AWS_CALLS_BURST`, `AWS_CALLS_RESERVE`). */
export interface QuotaShape {
  callsPerSecond: number;
  burst: number;
  /** Tokens reads never take: kept for actions (a burst of stops). Less than `burst`. */
  reserve: number;
}

/**
 * How low the bucket may go for a call of each priority: a call takes a token only if at least
 * `floor` tokens remain after it. Actions leave the headroom; reads leave the reserve; background
 * refreshes leave one more, so a caller's read gets the last token above the reserve first.
 */
export type Floors = Readonly<Record<CallPriority, number>>;

/**
 * A token of the reserve nobody takes. AWS debits a call when it arrives, this bucket when it is
 * sent: while calls are on their way, AWS's bucket can sit full and waste refill this one still
 * counts, so an empty bucket here can be AWS's last token gone. One token absorbs 1/rate seconds
 * of that drift (500 ms at 2/s). It comes out of the reserve, so reads keep their share of the
 * burst, and only where the reserve keeps a token for actions beside it (not in a replica's share
 * while Redis is down, whose reserve is under a token).
 */
export const HEADROOM = 1;

export function floorsOf({ burst, reserve }: QuotaShape): Floors {
  const headroom = Math.max(0, Math.min(HEADROOM, reserve - 1));
  return { halt: headroom, dial: headroom, read: reserve, refresh: Math.min(reserve + 1, burst - 1) };
}

/**
 * After a throttle the rate is cut to `CUT` of what it was (not below `MIN_FACTOR` of the configured
 * rate; throttles within `CUT_COOLDOWN_MS` of a cut are the same overload and count once), then grows
 * back by `RECOVERY_PER_S` of the configured rate per second: from half to full in 10 s.
 */
export const BACK_OFF = { CUT: 0.5, MIN_FACTOR: 0.125, CUT_COOLDOWN_MS: 1000, RECOVERY_PER_S: 0.05 } as const;

/** What one take answers: 0 when the token was taken, else how long (ms) until one may be free. */
export type TakeAnswer = number;

/** The configured share of one replica: the whole quota, or 1/`replicas` of it (no Redis, or Redis down). */
export function shareOf(quota: QuotaShape, replicas: number): QuotaShape {
  if (replicas <= 1) return quota;
  const burst = Math.max(1, quota.burst / replicas);
  return { callsPerSecond: quota.callsPerSecond / replicas, burst, reserve: Math.min(quota.reserve / replicas, burst - 1) };
}

/** One token bucket in this process (the whole fleet's when there is no Redis, or this replica's share). */
export class LocalBucket {
  private tokens: number;
  private at: number;
  /** Rate factor right after the last cut, and when that was. */
  private cutFactor = 1;
  private cutAt = Number.NEGATIVE_INFINITY;
  readonly floors: Floors;

  constructor(
    private readonly quota: QuotaShape,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = quota.burst;
    this.at = now();
    this.floors = floorsOf(quota);
  }

  /** The rate factor now (1 when not backing off). */
  private factor(now: number): number {
    if (this.cutFactor >= 1) return 1;
    const factor = this.cutFactor + ((now - this.cutAt) / 1000) * BACK_OFF.RECOVERY_PER_S;
    if (factor >= 1) this.cutFactor = 1;
    return Math.min(1, factor);
  }

  private refill(now: number): number {
    const perMs = (this.quota.callsPerSecond * this.factor(now)) / 1000;
    if (now > this.at) this.tokens = Math.min(this.quota.burst, this.tokens + (now - this.at) * perMs);
    this.at = now;
    return perMs;
  }

  take(priority: CallPriority): TakeAnswer {
    const now = this.now();
    const perMs = this.refill(now);
    const floor = this.floors[priority];
    // A hair of slack: tokens accrue in floating point.
    if (this.tokens - 1 >= floor - 1e-9) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((floor + 1 - this.tokens) / perMs));
  }

  /**
   * A token taken elsewhere (from the fleet's bucket in Redis) on this replica's account: should
   * Redis go away, this replica falls back on its share already spent, not on a full bucket.
   */
  debit(): void {
    this.refill(this.now());
    this.tokens = Math.max(-this.quota.burst, this.tokens - 1);
  }

  /** AWS throttled a call: cut the rate, and leave reads nothing above the reserve. */
  throttled(): void {
    const now = this.now();
    this.refill(now);
    if (now - this.cutAt >= BACK_OFF.CUT_COOLDOWN_MS) {
      this.cutFactor = Math.max(BACK_OFF.MIN_FACTOR, this.factor(now) * BACK_OFF.CUT);
      this.cutAt = now;
    }
    this.tokens = Math.min(this.tokens, this.floors.read);
  }

  /** Calls per second allowed right now (the configured rate, or less while backing off). */
  rate(): number {
    return this.quota.callsPerSecond * this.factor(this.now());
  }
}
