import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';

describe('the test Redis (a real redis-server on loopback)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());

  it('answers, dies when killed and comes back empty on restart', async () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true });
    await client.connect();
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    await redis.kill();
    await expect(client.get('k')).rejects.toThrow();
    await redis.restart();
    await new Promise((r) => setTimeout(r, 200));
    expect(await client.get('k')).toBeNull();
    client.disconnect();
  });
});
