import { startHarness, type Harness } from '../helpers/gatewayHarness';

// Each test starts its own gateway: what one keeps must not be read by the next.
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function gateway(maxAgeMs: number): Promise<Harness> {
  h = await startHarness({ maxAttempts: 1, env: { READ_CACHE_MAX_AGE_MS: String(maxAgeMs) } });
  return h;
}

const PAGE = '{ campaigns(first: 50) { edges { node { id name state } } } }';
type Page = { campaigns: { edges: Array<{ node: { id: string; name: string; state: string } }> } };
const STATE = 'query State($id: ID!) { campaign(id: $id) { id state } }';
const ID = 'shared-read-campaign-0001';

async function page(g: Harness): Promise<Page['campaigns']['edges']> {
  const res = await g.graphql<Page>(PAGE);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.campaigns.edges;
}

async function stateOf(g: Harness, id = ID): Promise<string | undefined> {
  const res = await g.graphql<{ campaign: { state: string } | null }>(STATE, { id });
  expect(res.body.errors).toBeUndefined();
  return res.body.data?.campaign?.state;
}

describe('reads shared across requests, over HTTP against the emulator', () => {
  it('serves the same page asked by 10 requests at once with one ListCampaigns and one state call per 25 campaigns', async () => {
    // Max age 1 ms: answers are practically not kept, so only sharing in flight can join them.
    const g = await gateway(1);
    g.emulator.faults.delay('*', 150);
    const campaigns = Math.min(50, g.emulator.store.list().length);
    const pages = await Promise.all(Array.from({ length: 10 }, () => page(g)));
    expect(pages.every((p) => p.length === campaigns && JSON.stringify(p) === JSON.stringify(pages[0]))).toBe(true);
    expect(g.emulator.callCount('ListCampaigns')).toBe(1);
    expect(g.emulator.callCount('GetCampaignStateBatch')).toBe(Math.ceil(campaigns / 25));
  });

  it("shares states between a router's _entities fetches whose batches overlap: each id is asked once", async () => {
    const g = await gateway(1);
    g.emulator.faults.delay('*', 150);
    const ids = g.emulator.store.list().map((c) => c.id).slice(0, 30);
    const entities = (slice: string[]) =>
      g.graphql<{ _entities: Array<{ id: string; state: string }> }>(
        'query States($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id state } } }',
        { r: slice.map((id) => ({ __typename: 'Campaign', id })) },
      );
    const [a, b] = await Promise.all([entities(ids.slice(0, 20)), entities(ids.slice(10, 30))]);
    expect(a.body.data?._entities.map((e) => e.id)).toEqual(ids.slice(0, 20));
    expect(b.body.data?._entities.map((e) => e.id)).toEqual(ids.slice(10, 30));
    const asked = g.emulator.calls.filter((c) => c.operation === 'GetCampaignStateBatch').flatMap((c) => c.campaignIds);
    expect(asked.sort()).toEqual([...ids].sort());
  });

  it('reuses answers within the maximum age', async () => {
    const g = await gateway(60_000);
    const first = await page(g);
    const calls = g.emulator.callCount();
    for (let i = 0; i < 5; i++) expect(await page(g)).toEqual(first);
    expect(g.emulator.callCount()).toBe(calls);
  });

  it("shows RUNNING on the next read after the gateway's own start, however long the maximum age, with no AWS call", async () => {
    const g = await gateway(60_000);
    g.emulator.store.put({ id: ID, state: 'Initialized' });
    expect(await stateOf(g)).toBe('INITIALIZED');
    expect(await stateOf(g)).toBe('INITIALIZED');
    expect(g.emulator.callCount('GetCampaignStateBatch')).toBe(1);
    const start = await g.graphql<{ startCampaign: { __typename: string } }>(
      'mutation Start($id: ID!) { startCampaign(id: $id) { __typename } }',
      { id: ID },
    );
    expect(start.body.data?.startCampaign.__typename).toBe('StartCampaignSuccess');
    expect(await stateOf(g)).toBe('RUNNING');
    // Written through by the start: the state is known without asking AWS again.
    expect(g.emulator.callCount('GetCampaignStateBatch')).toBe(1);
  });

  it('shows a change made outside the gateway once the maximum age has passed', async () => {
    const g = await gateway(300);
    g.emulator.store.put({ id: ID, state: 'Running' });
    expect(await stateOf(g)).toBe('RUNNING');
    // As a console or another tool would: straight in AWS (the emulator's store).
    g.emulator.store.put({ ...g.emulator.store.get(ID)!, state: 'Paused' });
    expect(await stateOf(g)).toBe('RUNNING');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await stateOf(g)).toBe('PAUSED');
    expect(g.emulator.callCount('GetCampaignStateBatch')).toBe(2);
  });

  it('makes every request call AWS itself with READ_CACHE_MAX_AGE_MS=0', async () => {
    const g = await gateway(0);
    g.emulator.faults.delay('*', 100);
    await Promise.all(Array.from({ length: 3 }, () => page(g)));
    await page(g);
    expect(g.emulator.callCount('ListCampaigns')).toBe(4);
  });
});
