import { Redis } from 'ioredis';
import { Deadline } from '../../src/aws/deadline';
import { createGovernor, type Governor } from '../../src/aws/governor';
import { AwsQuotaUnavailableError, type CallPriority } from '../../src/aws/quota';
import { createRedisLink, type RedisLink } from '../../src/aws/redis';
import { RedisBucket } from '../../src/aws/redisBucket';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';

// The fleet's bucket in a real redis-server, taken from by several connections at once.
const SLOW = { callsPerSecond: 0.001, burst: 50, reserve: 10 };

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());

const clients: Redis[] = [];
function client(): Redis {
  const c = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

let keys = 0;
const freshKey = () => `test:bucket:${++keys}`;

describe('the Redis bucket script', () => {
  it('is atomic: five connections taking 200 tokens at once get exactly the burst less its headroom', async () => {
    const key = freshKey();
    const buckets = Array.from({ length: 5 }, () => new RedisBucket(client(), key, SLOW));
    const answers = await Promise.all(buckets.flatMap((b) => Array.from({ length: 40 }, () => b.take('halt'))));
    expect(answers.filter((wait) => wait === 0)).toHaveLength(49);
    expect(answers.filter((wait) => wait > 0)).toHaveLength(151);
  });

  it('keeps the reserve from reads of every replica, and gives it to actions', async () => {
    const key = freshKey();
    const [a, b] = [new RedisBucket(client(), key, SLOW), new RedisBucket(client(), key, SLOW)];
    const reads = await Promise.all([...Array.from({ length: 30 }, () => a.take('read')), ...Array.from({ length: 30 }, () => b.take('read'))]);
    expect(reads.filter((wait) => wait === 0)).toHaveLength(40);
    // Actions get the reserve but its last token, the headroom.
    const halts = await Promise.all(Array.from({ length: 12 }, () => b.take('halt')));
    expect(halts.filter((wait) => wait === 0)).toHaveLength(9);
  });

  it('shares a throttle: one replica reports it, every replica spends at half the rate and recovers', async () => {
    const key = freshKey();
    const quota = { callsPerSecond: 10, burst: 5, reserve: 3 };
    const [a, b] = [new RedisBucket(client(), key, quota), new RedisBucket(client(), key, quota)];
    await b.take('read');
    expect(b.lastRate).toBe(10);
    await a.throttled();
    await b.take('halt');
    expect(b.lastRate).toBeCloseTo(5, 0);
    // Reads get nothing above the reserve right after it.
    expect(await b.take('read')).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1000));
    await b.take('halt');
    expect(b.lastRate).toBeGreaterThan(5);
    expect(b.lastRate).toBeLessThan(10);
  });
});

describe('the governor through Redis', () => {
  const lines: Array<{ level: string; fields: Record<string, unknown> }> = [];
  const log = {
    info: (fields: object) => void lines.push({ level: 'info', fields: fields as Record<string, unknown> }),
    warn: (fields: object) => void lines.push({ level: 'warn', fields: fields as Record<string, unknown> }),
  };
  let links: RedisLink[] = [];
  let governors: Governor[] = [];
  let deadlines: Deadline[] = [];
  afterEach(async () => {
    for (const g of governors) g.close();
    for (const d of deadlines) d.dispose();
    await Promise.all(links.map((l) => l.close()));
    links = [];
    governors = [];
    deadlines = [];
    lines.length = 0;
  });

  async function replica(keyPrefix: string, quota = SLOW, replicas = 3) {
    const availability: number[] = [];
    const link = createRedisLink({ url: redis.url, keyPrefix, commandTimeoutMs: 250, log, availability: { set: (v) => void availability.push(v) } });
    links.push(link);
    const governor = createGovernor({ quota, replicas, redis: link });
    governors.push(governor);
    await new Promise<void>((resolve) => (link.available ? resolve() : link.client.once('ready', () => resolve())));
    return { link, governor, availability };
  }

  const take = async (g: Governor, priority: CallPriority): Promise<'granted' | 'refused'> => {
    const d = Deadline.in(60_000);
    deadlines.push(d);
    try {
      await g.take({ priority, wait: 'none' }, 'Op', d);
      return 'granted';
    } catch (err) {
      if (err instanceof AwsQuotaUnavailableError) return 'refused';
      throw err;
    }
  };

  it('spends one bucket for all replicas, under REDIS_KEY_PREFIX', async () => {
    const [a, b, c] = [await replica('fleet-a:'), await replica('fleet-a:'), await replica('fleet-a:')];
    const outcomes = await Promise.all([a, b, c].flatMap(({ governor }) => Array.from({ length: 30 }, () => take(governor, 'halt'))));
    expect(outcomes.filter((o) => o === 'granted')).toHaveLength(49);
    expect(await a.link.client.exists('fleet-a:aws-quota')).toBe(1);
    // Another deployment on the same Redis has a bucket of its own.
    const other = await replica('fleet-b:');
    expect(await take(other.governor, 'halt')).toBe('granted');
    expect(a.availability.at(-1)).toBe(1);
  });

  it('keeps granting actions while Redis hangs (a script busy in it), without waiting for Redis to answer', async () => {
    const { link, governor } = await replica('hang:', { callsPerSecond: 1000, burst: 1000, reserve: 3 });
    expect(await take(governor, 'halt')).toBe('granted');
    // Connected before Redis hangs: a new connection's ready check would wait for it.
    const [blocker, killer] = [client(), client()];
    await Promise.all([blocker, killer].map((c) => c.ping()));
    let hanging = true;
    const busy = blocker.eval('local i = 0 while true do i = i + 1 end', 0).catch(() => undefined);
    void busy.finally(() => (hanging = false));
    try {
      const during = [];
      for (let i = 0; i < 10; i++) during.push(await take(governor, 'halt'));
      expect(during.every((o) => o === 'granted')).toBe(true);
      // All of it while Redis still had not answered anything.
      expect(hanging).toBe(true);
      expect(link.available).toBe(false);
    } finally {
      await killer.script('KILL').catch(() => undefined);
      await busy;
    }
  });

  it('keeps granting when Redis dies (a share of the rate), logs one outage and one recovery, and shares again after', async () => {
    const quota = { callsPerSecond: 1000, burst: 1000, reserve: 3 };
    const { link, governor, availability } = await replica('outage:', quota);
    expect(await take(governor, 'halt')).toBe('granted');
    await redis.kill();
    const during = [];
    for (let i = 0; i < 20; i++) {
      during.push(await take(governor, i % 2 ? 'halt' : 'read'));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(during.every((o) => o === 'granted')).toBe(true);
    expect(link.available).toBe(false);
    expect(availability.at(-1)).toBe(0);
    await redis.restart();
    const deadline = Date.now() + 10_000;
    while (!link.available && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(link.available).toBe(true);
    expect(await take(governor, 'halt')).toBe('granted');
    expect(await link.client.exists('outage:aws-quota')).toBe(1);
    expect(lines.filter((l) => l.fields.event === 'redis.unavailable')).toHaveLength(1);
    expect(lines.filter((l) => l.fields.event === 'redis.available')).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toMatch(/password/);
  });
});
