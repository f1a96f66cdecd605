import { Redis } from 'ioredis';
import { createRedisReadStore } from '../../src/aws/redisReadStore';
import { createEmulator, type Emulator } from '../../src/emulator';
import { startHarness, type Harness } from '../helpers/gatewayHarness';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';

// Two gateways (replicas) in front of one AWS (the emulator), sharing a real redis-server.
let redisServer: RedisServer;
let emulator: Emulator;
const redisClients: Redis[] = [];
let gateways: Harness[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer();
});
afterAll(async () => {
  await redisServer.stop();
});
beforeEach(async () => {
  emulator = createEmulator({ seed: true });
  await emulator.start(0, '127.0.0.1');
});
afterEach(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  gateways = [];
  for (const c of redisClients.splice(0)) c.disconnect();
  await emulator.stop();
});

/** A replica: its own Redis connection (as REDIS_URL makes one per process), the shared keys. */
async function replica(prefix: string): Promise<Harness> {
  const redis = new Redis(redisServer.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 200 });
  redis.on('error', () => undefined);
  await new Promise((resolve) => redis.once('ready', resolve));
  redisClients.push(redis);
  const g = await startHarness({
    maxAttempts: 1,
    emulator,
    sharedStore: createRedisReadStore(redis, { prefix, timeoutMs: 200 }),
    env: { READ_CACHE_MAX_AGE_MS: '60000' },
  });
  gateways.push(g);
  return g;
}

const STATE = 'query State($id: ID!) { campaign(id: $id) { id state stateAsOf } }';
type State = { campaign: { state: string; stateAsOf: string } | null };
const ID = 'redis-shared-campaign-0001';

async function stateOf(g: Harness, id = ID): Promise<{ state: string; stateAsOf: string }> {
  const res = await g.graphql<State>(STATE, { id });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.campaign!;
}

describe('reads shared by replicas through Redis', () => {
  it('answers STOPPED on the other replica at once after a stop through one, with no AWS call', async () => {
    const [a, b] = [await replica('stop:'), await replica('stop:')] as [Harness, Harness];
    emulator.store.put({ id: ID, state: 'Running' });
    expect((await stateOf(b)).state).toBe('RUNNING');
    // Read by one replica, known to both.
    expect((await stateOf(a)).state).toBe('RUNNING');
    expect(emulator.callCount('GetCampaignStateBatch')).toBe(1);

    const before = Date.now();
    const stop = await a.graphql<{ stopCampaign: { __typename: string } }>('mutation Stop($id: ID!) { stopCampaign(id: $id) { __typename } }', { id: ID });
    expect(stop.body.data?.stopCampaign.__typename).toBe('StopCampaignSuccess');
    const seen = await stateOf(b);
    expect(seen.state).toBe('STOPPED');
    expect(Date.parse(seen.stateAsOf)).toBeGreaterThanOrEqual(before);
    expect(emulator.callCount('GetCampaignStateBatch')).toBe(1);
  });

  it('answers a state AWS added later (Archived) from Redis as the first replica does: state null, availableActions null, UNKNOWN_CAMPAIGN_STATE', async () => {
    const [a, b] = [await replica('later:'), await replica('later:')] as [Harness, Harness];
    emulator.store.put({ id: ID, state: 'Archived' });
    const query = 'query State($id: ID!) { campaign(id: $id) { id state stateAsOf availableActions } }';
    const first = await a.graphql(query, { id: ID });
    const second = await b.graphql(query, { id: ID });
    expect(emulator.callCount('GetCampaignStateBatch')).toBe(1);
    for (const res of [first, second]) {
      expect(res.body.data).toEqual({ campaign: { id: ID, state: null, stateAsOf: expect.any(String), availableActions: null } });
      expect(res.body.errors).toEqual([
        expect.objectContaining({ path: ['campaign', 'availableActions'], extensions: expect.objectContaining({ code: 'UNKNOWN_CAMPAIGN_STATE', awsValue: 'Archived' }) }),
      ]);
    }
    expect(second.body.data).toEqual(first.body.data);
  });

  it('shares list pages, dates included, so the second replica makes no ListCampaigns call', async () => {
    const [a, b] = [await replica('list:'), await replica('list:')] as [Harness, Harness];
    const query = '{ campaigns(first: 10) { edges { node { id name schedule { startTime endTime } } } } }';
    const first = await a.graphql(query);
    const second = await b.graphql(query);
    expect(second.body.errors).toBeUndefined();
    expect(second.body).toEqual(first.body);
    expect(JSON.stringify(first.body)).toContain('startTime');
    expect(emulator.callCount('ListCampaigns')).toBe(1);
  });

  it('answers reads and actions while Redis hangs (a script busy in it), without waiting for it', async () => {
    const [a, b] = [await replica('hang:'), await replica('hang:')] as [Harness, Harness];
    emulator.store.put({ id: ID, state: 'Running' });
    expect((await stateOf(a)).state).toBe('RUNNING');
    // Both connected before Redis hangs: a new connection's ready check would wait for it.
    const [blocker, killer] = [new Redis(redisServer.url), new Redis(redisServer.url)];
    await Promise.all([blocker, killer].map((c) => c.ping()));
    let hanging = true;
    const busy = blocker.eval('local i = 0 while true do i = i + 1 end', 0).catch(() => undefined);
    void busy.finally(() => (hanging = false));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await stateOf(a)).state).toBe('RUNNING');
    expect((await stateOf(b)).state).toBe('RUNNING');
    const stop = await a.graphql<{ stopCampaign: { __typename: string } }>('mutation S($id: ID!) { stopCampaign(id: $id) { __typename } }', { id: ID });
    expect(stop.body.data?.stopCampaign.__typename).toBe('StopCampaignSuccess');
    expect((await stateOf(a)).state).toBe('STOPPED');
    // All of it answered while Redis was still busy.
    expect(hanging).toBe(true);
    await killer.script('KILL');
    await busy;
    killer.disconnect();
    blocker.disconnect();
  }, 30_000);

  it('still answers every read and action while Redis is down, and shares again once it is back', async () => {
    const [a, b] = [await replica('down:'), await replica('down:')] as [Harness, Harness];
    emulator.store.put({ id: ID, state: 'Running' });
    expect((await stateOf(a)).state).toBe('RUNNING');
    await redisServer.kill();
    // What each replica knows itself, and what it must ask AWS for, are both answered.
    expect((await stateOf(a)).state).toBe('RUNNING');
    expect((await stateOf(b)).state).toBe('RUNNING');
    const pause = await a.graphql<{ pauseCampaign: { __typename: string } }>('mutation P($id: ID!) { pauseCampaign(id: $id) { __typename } }', { id: ID });
    expect(pause.body.data?.pauseCampaign.__typename).toBe('PauseCampaignSuccess');
    expect((await stateOf(a)).state).toBe('PAUSED');
    const page = await b.graphql<{ campaigns: { edges: unknown[] } }>('{ campaigns(first: 5) { edges { node { id name state } } } }');
    expect(page.body.errors).toBeUndefined();

    await redisServer.restart();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const other = 'redis-shared-campaign-0002';
    emulator.store.put({ id: other, state: 'Paused' });
    expect((await stateOf(b, other)).state).toBe('PAUSED');
    const calls = emulator.callCount('GetCampaignStateBatch');
    expect((await stateOf(a, other)).state).toBe('PAUSED');
    expect(emulator.callCount('GetCampaignStateBatch')).toBe(calls);
  }, 30_000);
});
