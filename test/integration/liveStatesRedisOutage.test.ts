import { startRedisServer, type RedisServer } from '../helpers/redisServer';
import { describeBuilt, postGraphql, startServerProcess, type ServerProcess } from '../helpers/serverProcess';
import { stopProcess } from '../helpers/fleet';
import { subscribeWs, type Subscriber } from '../helpers/subscribers';

// Redis killed under a gateway that shares live states through it, then started again (empty).
let redis: RedisServer;
let gateway: ServerProcess;
let s: Subscriber | undefined;

describeBuilt('live states while Redis is down', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    gateway = await startServerProcess({ REDIS_URL: redis.url, LIVE_POLL_INTERVAL_MS: '500', LIVE_POLL_CALLS_PER_SECOND: '10' });
  }, 60_000);
  afterAll(async () => {
    s?.dispose();
    if (gateway) await stopProcess(gateway, 'SIGKILL');
    await redis?.stop();
  });

  it('actions still succeed; subscribers keep their states, and get the current ones once Redis is back', async () => {
    s = subscribeWs(gateway.gatewayUrl, ['demo-running-survey', 'demo-paused-winback']);
    await s.waitFor((events) => events.length >= 2, 10_000, 'first states');
    await redis.kill();
    const stop = await postGraphql(gateway, 'mutation { stopCampaign(id: "demo-running-survey") { __typename } }');
    expect(await stop.json()).toEqual({ data: { stopCampaign: { __typename: 'StopCampaignSuccess' } } });
    await fetch(`${gateway.emulatorUrl}/__emulator/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'demo-paused-winback', state: 'Stopped' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await redis.restart();
    await s.waitFor((events) => events.some((e) => e.id === 'demo-paused-winback' && e.state === 'STOPPED'), 15_000, 'the change made during the outage');
    await s.waitFor((events) => events.some((e) => e.id === 'demo-running-survey' && e.state === 'STOPPED'), 15_000, 'the stop made during the outage');
    expect(s.errors).toEqual([]);
    const outageLines = gateway.lines.filter((line) => line['event'] === 'redis.unavailable');
    expect(outageLines.length).toBeGreaterThanOrEqual(1);
    expect(outageLines.length).toBeLessThanOrEqual(2);
  }, 90_000);
});
