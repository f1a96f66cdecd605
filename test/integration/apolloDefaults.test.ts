import { startHarness, type Harness } from '../helpers/gatewayHarness';

// The gateway replaces two of Apollo's implicit subgraph plugins with cheaper equivalents; these
// pin down that what clients and routers see is unchanged.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxAttempts: 1 });
});
afterAll(() => h.close());

const STATE_QUERY = '{ campaign(id: "demo-running-survey") { state } }';

describe("Apollo's subgraph defaults, as callers see them", () => {
  it('marks GraphQL answers uncacheable (cache-control: no-store), as the cache-control plugin did', async () => {
    const res = await h.graphql(STATE_QUERY);
    expect(res.body.data).toEqual({ campaign: { state: 'RUNNING' } });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('adds a federated trace (extensions.ftv1) when the router asks for one', async () => {
    const res = await h.graphql(STATE_QUERY, undefined, { 'apollo-federation-include-trace': 'ftv1' });
    expect(res.body.data).toEqual({ campaign: { state: 'RUNNING' } });
    const { extensions } = res.body as { extensions?: { ftv1?: unknown } };
    expect(typeof extensions?.ftv1).toBe('string');
    expect(Buffer.from(extensions?.ftv1 as string, 'base64').length).toBeGreaterThan(0);
  });

  it('adds no trace when not asked', async () => {
    const res = await h.graphql(STATE_QUERY);
    expect(res.body).toEqual({ data: { campaign: { state: 'RUNNING' } } });
  });
});
