import { CampaignService } from '../../src/campaigns/campaignService';
import { createEmulator, type Emulator } from '../../src/emulator';
import { startAwsProxy, type AwsProxy } from '../helpers/awsProxy';
import { startHarness, type Harness } from '../helpers/gatewayHarness';

// The real SDK against the emulator through a slow or lying stand-in (a proxy on loopback), as
// AWS behaves when it is slow or throttling. Each test starts its own gateway, emulator and proxy.
let emulator: Emulator;
let proxy: AwsProxy;
let h: Harness | undefined;

beforeEach(async () => {
  emulator = createEmulator({ seed: false });
  await emulator.start(0, '127.0.0.1');
  proxy = await startAwsProxy(emulator.url);
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await proxy.close();
  await emulator.stop();
});

async function gateway(env: Record<string, string>): Promise<Harness> {
  h = await startHarness({ maxAttempts: 1, env, emulator, awsEndpoint: () => proxy.url });
  return h;
}

const ids = (n: number, prefix = 'defect-campaign') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ENTITIES = 'query States($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id state } } }';
const STATE = 'query State($id: ID!) { campaign(id: $id) { id state stateAsOf } }';

describe('shared reads when AWS is slow or odd', () => {
  it("asks again in one batch, not one id per call, for those who joined a read whose leader's deadline passed", async () => {
    const campaigns = ids(25);
    for (const id of campaigns) emulator.store.put({ id, state: 'Running' });
    // The first state batch answers after 3 s, past the leader's 1.5 s deadline; later ones at once.
    proxy.rules.delayMs = ({ operation, n }) => (operation === 'GetCampaignStateBatch' && n === 0 ? 3000 : 0);
    const g = await gateway({ READ_CACHE_MAX_AGE_MS: '60000', UPSTREAM_DEADLINE_MS: '1500', MAX_AWS_CALLS_PER_REQUEST: '10' });
    const representations = campaigns.map((id) => ({ __typename: 'Campaign', id }));
    const leader = g.graphql(ENTITIES, { r: representations });
    await sleep(700);
    const joiner = await g.graphql<{ _entities: Array<{ id: string; state: string }> }>(ENTITIES, { r: representations });
    await leader;
    expect(joiner.body.errors).toBeUndefined();
    expect(joiner.body.data?._entities.map((e) => e.state)).toEqual(campaigns.map(() => 'RUNNING'));
    // The leader's call, then one batch of the 25 ids.
    expect(emulator.callCount('GetCampaignStateBatch')).toBe(2);
  });

  it('keeps no list page reached by an AWS token past the maximum age, and stays within its byte bound, over 2,000 polls with rotating tokens', async () => {
    for (const id of ids(60)) emulator.store.put({ id, state: 'Running' });
    // AWS tokens differ on every call (as real ones may): a stand-in suffixes each one it hands out.
    let issued = 0;
    proxy.rules.answer = ({ operation }, body) => {
      if (operation !== 'ListCampaigns') return body;
      const page = JSON.parse(body) as { nextToken?: string };
      if (page.nextToken) page.nextToken = `${page.nextToken}~${++issued}`;
      return JSON.stringify(page);
    };
    proxy.rules.request = ({ operation }, body) => {
      if (operation !== 'ListCampaigns' || !body) return body;
      const input = JSON.parse(body) as { nextToken?: string };
      if (input.nextToken) input.nextToken = input.nextToken.replace(/~\d+$/, '');
      return JSON.stringify(input);
    };
    const maxBytes = 256 * 1024;
    const g = await gateway({ READ_CACHE_MAX_AGE_MS: '5', READ_CACHE_MAX_BYTES: String(maxBytes) });
    let most = 0;
    // Each poll is what `campaigns(first: 100)` asks of the boundary (two pages), without GraphQL's
    // own work: the real SDK through the stand-in to the emulator.
    for (let i = 0; i < 2000; i++) {
      const api = g.client.forRequest();
      const page = await new CampaignService(api).list({ first: 100, after: null, connectInstanceId: null });
      api.close();
      expect(page.items).toHaveLength(60);
      most = Math.max(most, g.client.readCache()!.bytes);
    }
    expect(issued).toBeGreaterThan(100);
    expect(most).toBeLessThanOrEqual(maxBytes);
    // Past the maximum age (and the store's sweep), what a token reached is gone: only the first page may stay.
    await sleep(1100);
    await g.graphql('{ campaigns(first: 1) { edges { node { id } } } }');
    expect(g.client.readCache()!.entries).toBeLessThanOrEqual(2);
  }, 300_000);

  it('counts the age of an answer from when its call was sent, not from when it arrived', async () => {
    const [id] = ids(1) as [string];
    emulator.store.put({ id, state: 'Running' });
    // The first read takes 1.5 s to come back: as old as the maximum age when it arrives.
    proxy.rules.delayMs = ({ operation, n }) => (operation === 'GetCampaignStateBatch' && n === 0 ? 1500 : 0);
    const g = await gateway({ READ_CACHE_MAX_AGE_MS: '1500' });
    const sentAt = Date.now();
    const first = await g.graphql<{ campaign: { state: string; stateAsOf: string } }>(STATE, { id });
    expect(first.body.data?.campaign.state).toBe('RUNNING');
    const asOf = Date.parse(first.body.data!.campaign.stateAsOf);
    expect(asOf).toBeGreaterThanOrEqual(sentAt - 5);
    expect(asOf).toBeLessThan(sentAt + 1000);
    // Changed outside the gateway; 300 ms after the slow answer arrived, it is older than the maximum age.
    emulator.store.put({ ...emulator.store.get(id)!, state: 'Paused' });
    await sleep(300);
    const second = await g.graphql<{ campaign: { state: string } }>(STATE, { id });
    expect(second.body.data?.campaign.state).toBe('PAUSED');
    expect(emulator.callCount('GetCampaignStateBatch')).toBe(2);
  });

  it('keeps only a well-formed success: an empty DescribeCampaign answer is asked again next time', async () => {
    const [id] = ids(1) as [string];
    emulator.store.put({ id, state: 'Running', name: 'Spring outreach' });
    proxy.rules.answer = ({ operation, n }, body) => (operation === 'DescribeCampaign' && n === 0 ? '{}' : body);
    const g = await gateway({ READ_CACHE_MAX_AGE_MS: '60000' });
    const query = 'query Name($id: ID!) { campaign(id: $id) { id name } }';
    const first = await g.graphql<{ campaign: { name: string | null } }>(query, { id });
    expect(first.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    const second = await g.graphql<{ campaign: { name: string | null } }>(query, { id });
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data?.campaign.name).toBe('Spring outreach');
    expect(emulator.callCount('DescribeCampaign')).toBe(2);
  });
});
