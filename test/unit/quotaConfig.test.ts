import { ConfigError, loadConfig } from '../../src/config';

describe('the quota and Redis settings', () => {
  it('defaults to AWS\'s documented rate, a reserve for a burst of actions, one replica and no Redis', () => {
    const config = loadConfig({});
    expect(config.quota).toEqual({ callsPerSecond: 2, burst: 5, reserve: 3, replicas: 1 });
    expect(config.redis).toBeUndefined();
  });

  it('takes a decimal rate (what is left of the quota after other tools) and keeps the default reserve below a small burst', () => {
    expect(loadConfig({ AWS_CALLS_PER_SECOND: '1.5', AWS_CALLS_BURST: '2' }).quota).toEqual({ callsPerSecond: 1.5, burst: 2, reserve: 1, replicas: 1 });
  });

  it('refuses a reserve that would leave reads no token, and a rate that is not a number', () => {
    expect(() => loadConfig({ AWS_CALLS_BURST: '5', AWS_CALLS_RESERVE: '5' })).toThrow(ConfigError);
    expect(() => loadConfig({ AWS_CALLS_PER_SECOND: 'fast' })).toThrow(/AWS_CALLS_PER_SECOND/);
    expect(() => loadConfig({ AWS_CALLS_REPLICAS: '0' })).toThrow(/AWS_CALLS_REPLICAS/);
  });

  it('reads REDIS_URL (TLS and AUTH in it), its key prefix and command timeout, and never echoes a bad URL', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://gw:s3cret@cache.example:6379' }).redis).toEqual({
      url: 'rediss://gw:s3cret@cache.example:6379',
      keyPrefix: 'campaign-gateway:',
      commandTimeoutMs: 250,
    });
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'staging:', REDIS_COMMAND_TIMEOUT_MS: '100' }).redis).toMatchObject({
      keyPrefix: 'staging:',
      commandTimeoutMs: 100,
    });
    expect(() => loadConfig({ REDIS_URL: 'http://cache.example' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: 'redis://gw:s3cret@[bad' })).toThrow(/^(?!.*s3cret).*REDIS_URL/);
  });
});
