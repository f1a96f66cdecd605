import { Deadline } from '../../src/aws/deadline';
import { createGovernor, type Governor } from '../../src/aws/governor';
import { AwsQuotaUnavailableError, type CallPriority, type TokenRequest } from '../../src/aws/quota';
import { BACK_OFF, LocalBucket, floorsOf, shareOf } from '../../src/aws/tokenBucket';
import { AccountThrottle } from '../../src/emulator/throttle';

/** AWS's documented default, with the default reserve. */
const QUOTA = { callsPerSecond: 2, burst: 5, reserve: 3 };
const waiting = (priority: CallPriority): TokenRequest => ({ priority, wait: 'deadline' });
const now = (priority: CallPriority): TokenRequest => ({ priority, wait: 'none' });

describe('the token bucket with a floor per priority', () => {
  it('keeps the reserve from reads, the last token above it from background refreshes, and a token of it from everyone', () => {
    expect(floorsOf(QUOTA)).toEqual({ halt: 1, dial: 1, read: 3, refresh: 4 });
    let t = 0;
    const bucket = new LocalBucket(QUOTA, () => t);
    expect(bucket.take('refresh')).toBe(0);
    expect(bucket.take('refresh')).toBeGreaterThan(0);
    expect(bucket.take('read')).toBe(0);
    expect(bucket.take('read')).toBeGreaterThan(0);
    // The reserve: two actions at once, whatever the reads did; its last token is the headroom.
    expect([bucket.take('halt'), bucket.take('halt')]).toEqual([0, 0]);
    const wait = bucket.take('dial');
    expect(wait).toBe(500);
    t += wait;
    expect(bucket.take('dial')).toBe(0);
  });

  it('takes the headroom out of the reserve only where the reserve keeps a token for actions beside it', () => {
    expect(floorsOf({ callsPerSecond: 2, burst: 10, reserve: 3 })).toEqual({ halt: 1, dial: 1, read: 3, refresh: 4 });
    expect(floorsOf({ callsPerSecond: 2, burst: 5, reserve: 1 })).toEqual({ halt: 0, dial: 0, read: 1, refresh: 2 });
    // A replica's share while Redis is down: a reserve under a token, no headroom.
    expect(floorsOf(shareOf(QUOTA, 3)).halt).toBe(0);
  });

  it('cuts the rate on a throttle, counts throttles within a second once, and recovers gradually', () => {
    let t = 0;
    const bucket = new LocalBucket(QUOTA, () => t);
    bucket.throttled();
    bucket.throttled();
    expect(bucket.rate()).toBe(1);
    // Reads get nothing above the reserve right after a throttle.
    expect(bucket.take('read')).toBeGreaterThan(0);
    expect(bucket.take('halt')).toBe(0);
    t += 5000;
    expect(bucket.rate()).toBeCloseTo(2 * (0.5 + 5 * BACK_OFF.RECOVERY_PER_S));
    t += 10_000;
    expect(bucket.rate()).toBe(2);
    for (let i = 0; i < 10; i++) {
      bucket.throttled();
      t += BACK_OFF.CUT_COOLDOWN_MS;
    }
    expect(bucket.rate()).toBeGreaterThanOrEqual(2 * BACK_OFF.MIN_FACTOR);
    expect(bucket.rate()).toBeLessThan(2 * BACK_OFF.MIN_FACTOR + 1);
  });

  it('gives each of several replicas without Redis a share that still lets reads through', () => {
    expect(shareOf(QUOTA, 1)).toBe(QUOTA);
    const third = shareOf(QUOTA, 3);
    expect(third.callsPerSecond).toBeCloseTo(2 / 3);
    expect(third.burst).toBeCloseTo(5 / 3);
    expect(third.reserve).toBeLessThanOrEqual(third.burst - 1);
    const tenth = shareOf(QUOTA, 10);
    expect(tenth.burst).toBe(1);
    expect(tenth.reserve).toBe(0);
  });
});

describe('the gateway\'s bucket against AWS\'s, while a call is on its way', () => {
  afterEach(() => jest.useRealTimers());

  /**
   * AWS debits a call when it arrives, the gateway when it sends it: a read that takes 400 ms to
   * arrive leaves AWS's bucket full (wasting refill) while the gateway's refills. Then a burst of
   * stops that arrive at once: as many as the gateway grants, against AWS's bucket.
   */
  function stopsAfterASlowRead(quota: typeof QUOTA): { granted: number; throttled: number } {
    jest.useFakeTimers();
    const gateway = new LocalBucket(quota);
    const aws = new AccountThrottle({ callsPerSecond: 2, burst: 5 });
    expect(gateway.take('read')).toBe(0);
    jest.advanceTimersByTime(400);
    expect(aws.admit('ListCampaigns')).toBe(true);
    jest.advanceTimersByTime(100);
    let granted = 0;
    while (gateway.take('halt') === 0) granted++;
    for (let i = 0; i < granted; i++) aws.admit('StopCampaign');
    return { granted, throttled: aws.state().total };
  }

  it('without headroom, the gateway grants the last token AWS no longer has', () => {
    expect(stopsAfterASlowRead({ ...QUOTA, reserve: 1 })).toEqual({ granted: 5, throttled: 1 });
  });

  it('with the token of headroom, AWS throttles none of them', () => {
    expect(stopsAfterASlowRead(QUOTA)).toEqual({ granted: 4, throttled: 0 });
  });
});

describe('the governor (in-process)', () => {
  let governor: Governor;
  let deadlines: Deadline[];
  const deadline = (ms = 60_000) => {
    const d = Deadline.in(ms);
    deadlines.push(d);
    return d;
  };
  beforeEach(() => {
    jest.useFakeTimers();
    deadlines = [];
    governor = createGovernor({ quota: QUOTA });
  });
  afterEach(() => {
    governor.close();
    for (const d of deadlines) d.dispose();
    jest.useRealTimers();
  });

  /** Takes a token and records when (and whether) it was granted. */
  function ask(token: TokenRequest, order: string[], label: string, d = deadline()): Promise<void> {
    const pending = governor.take(token, 'Op', d);
    if (!pending) {
      order.push(label);
      return Promise.resolve();
    }
    return pending.then(
      () => void order.push(label),
      (err: unknown) => void order.push(`${label}:${(err as Error).name}`),
    );
  }

  it('grants at once, without a promise, while tokens are free', () => {
    expect(governor.take(waiting('read'), 'ListCampaigns', deadline())).toBeUndefined();
    expect(governor.take(waiting('halt'), 'StopCampaign', deadline())).toBeUndefined();
  });

  it('serves two stops at once and a pause next, ahead of every read, while dashboards have spent every token they may take', async () => {
    const order: string[] = [];
    // Reads take the two tokens above the reserve, then queue.
    const reads = Array.from({ length: 6 }, (_, i) => ask(waiting('read'), order, `read${i}`));
    expect(order).toEqual(['read0', 'read1']);
    // Two stops from the reserve at once; the pause gets the next token, ahead of every read.
    const actions = [ask(waiting('halt'), order, 'stop1'), ask(waiting('halt'), order, 'stop2'), ask(waiting('halt'), order, 'pause')];
    expect(order.slice(2)).toEqual(['stop1', 'stop2']);
    await jest.advanceTimersByTimeAsync(500);
    expect(order.slice(2)).toEqual(['stop1', 'stop2', 'pause']);
    await jest.advanceTimersByTimeAsync(10_000);
    await Promise.all([...reads, ...actions]);
    expect(order).toHaveLength(9);
  });

  it('serves waiting calls by priority, whatever their arrival order', async () => {
    const order: string[] = [];
    // Spend the bucket down to its headroom.
    for (let i = 0; i < 4; i++) await ask(waiting('halt'), order, 'drain');
    order.length = 0;
    const all = [
      ask(waiting('refresh'), order, 'refresh'),
      ask(waiting('read'), order, 'read'),
      ask(waiting('dial'), order, 'start'),
      ask(waiting('halt'), order, 'stop'),
      ask(waiting('dial'), order, 'resume'),
    ];
    await jest.advanceTimersByTimeAsync(20_000);
    await Promise.all(all);
    expect(order).toEqual(['stop', 'start', 'resume', 'read', 'refresh']);
  });

  it('refuses at once a call that will not wait, with when to retry, and never queues it', async () => {
    const order: string[] = [];
    await ask(waiting('read'), order, 'read0');
    await ask(waiting('read'), order, 'read1');
    const refused = governor.take(now('read'), 'GetCampaignStateBatch', deadline());
    await expect(refused).rejects.toBeInstanceOf(AwsQuotaUnavailableError);
    await expect(refused).rejects.toMatchObject({ operation: 'GetCampaignStateBatch', priority: 'read', retryAfterMs: 500 });
    // An action that will not wait still finds the reserve.
    expect(governor.take(now('halt'), 'StopCampaign', deadline())).toBeUndefined();
  });

  it('lets a call wait no longer than its deadline, then refuses it', async () => {
    const order: string[] = [];
    for (let i = 0; i < 4; i++) await ask(waiting('halt'), order, 'drain');
    const short = ask(waiting('halt'), order, 'late', deadline(100));
    await jest.advanceTimersByTimeAsync(150);
    await short;
    expect(order.at(-1)).toBe('late:AwsQuotaUnavailableError');
    // The next one in line is not held up by the refused one.
    const next = ask(waiting('halt'), order, 'next');
    await jest.advanceTimersByTimeAsync(600);
    await next;
    expect(order.at(-1)).toBe('next');
  });

  it('a call arriving behind waiting calls of its priority queues behind them', async () => {
    const order: string[] = [];
    for (let i = 0; i < 4; i++) await ask(waiting('halt'), order, 'drain');
    order.length = 0;
    const first = ask(waiting('dial'), order, 'first');
    await jest.advanceTimersByTimeAsync(100);
    const second = ask(waiting('dial'), order, 'second');
    // A call of the same priority that will not wait is refused rather than overtaking.
    await expect(governor.take(now('dial'), 'StartCampaign', deadline())).rejects.toBeInstanceOf(AwsQuotaUnavailableError);
    await jest.advanceTimersByTimeAsync(2000);
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
  });

  it('halves the fleet rate when AWS throttles, reports it, and keeps actions going', async () => {
    const rates: number[] = [];
    const throttles: string[] = [];
    const g = createGovernor({
      quota: QUOTA,
      metrics: {
        tokens: { inc: () => undefined },
        tokenWait: { observe: () => undefined },
        throttles: { inc: ({ operation }) => void throttles.push(operation) },
        fleetRate: { set: (v) => void rates.push(v) },
      },
    });
    try {
      g.throttled('ListCampaigns');
      expect(throttles).toEqual(['ListCampaigns']);
      expect(rates.at(-1)).toBe(1);
      expect(g.rate()).toBe(1);
      await expect(g.take(now('read'), 'ListCampaigns', deadline())).rejects.toBeInstanceOf(AwsQuotaUnavailableError);
      expect(g.take(now('halt'), 'StopCampaign', deadline())).toBeUndefined();
    } finally {
      g.close();
    }
  });
});
