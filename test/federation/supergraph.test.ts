import type { Harness } from '../helpers/gatewayHarness';
import { ACTION_FAULTS } from '../helpers/actionFaults';
import { startFederation, type Federation } from '../helpers/supergraph';

interface Body<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

let federation: Federation;
let h: Harness;
let campaignIds: string[];

beforeAll(async () => {
  federation = await startFederation();
  ({ campaigns: h, campaignIds } = federation);
});
afterAll(() => federation.close());
beforeEach(() => {
  h.emulator.store.reset();
  h.emulator.faults.clear();
  h.emulator.resetCalls();
});

async function viaGateway<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Body<T>> {
  const res = await fetch(federation.supergraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Body<T>;
}

interface ListData {
  campaigns: { edges: Array<{ node: { id: string; name: string; state: string; budget: { amountCents: number } | null } }> };
}

describe('through a real @apollo/gateway, beside a budgets subgraph', () => {
  it('joins a page of campaigns (ours) with their budgets (theirs) for 1 ListCampaigns and 2 state batches', async () => {
    const body = await viaGateway<ListData>(`{
      campaigns(first: 30) { edges { node { id name state budget { amountCents currency } } } }
    }`);
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.campaigns.edges.map((e) => e.node);
    expect(nodes.map((n) => n.id)).toEqual(campaignIds.slice(0, 30));
    expect(nodes[0]).toEqual({
      id: campaignIds[0],
      name: h.emulator.store.get(campaignIds[0]!)!.name,
      state: 'INITIALIZED',
      budget: { amountCents: 1000, currency: 'USD' },
    });
    expect(h.emulator.callCount('ListCampaigns')).toBe(1);
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(2);
    expect(h.emulator.callCount('DescribeCampaign')).toBe(0);
  });

  it("resolves their budgets' campaigns through our _entities: 31 references, ⌈31/25⌉ = 2 state batches", async () => {
    const body = await viaGateway<{ budgets: { nodes: Array<{ amountCents: number; campaign: { id: string; state: string | null } | null }> } }>(`{
      budgets { nodes { amountCents campaign { id state } } pageInfo { hasNextPage } }
    }`);
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.budgets.nodes;
    expect(nodes).toHaveLength(31);
    expect(nodes[0]?.campaign).toEqual({ id: campaignIds[0], state: 'INITIALIZED' });
    // A budget for a campaign AWS does not know: the entity resolves to null, so its fields are null.
    expect(nodes[30]).toEqual({ amountCents: 5, campaign: { id: 'deleted-campaign', state: null } });
    expect(h.emulator.calls.map((c) => [c.operation, c.campaignIds.length])).toEqual([
      ['GetCampaignStateBatch', 25],
      ['GetCampaignStateBatch', 6],
    ]);
  });

  it('bounds the _entities fetch a router makes for another subgraph: 161 references with a described field are refused before any AWS call', async () => {
    const extra = Array.from({ length: 130 }, (_, i) => `fed-budget-${i}`);
    for (const id of extra) federation.budgets.budgets.set(id, 1);
    try {
      const body = await viaGateway<{ budgets: { nodes: Array<{ campaign: { id: string; timeZone: string | null } | null }> } }>(`{
        budgets { nodes { campaign { id timeZone } } }
      }`);
      // 161 references: ⌈161/25⌉ = 7 state batches + 161 DescribeCampaign > 100. Our 400 reaches the
      // caller as @apollo/gateway reports a subgraph's 4xx: its own error, with our answer inside.
      const inner = (body.errors?.[0]?.extensions?.response as { status?: number; body?: { errors?: Array<{ message: string; extensions?: { code?: string } }> } })
        ?? {};
      expect(inner.status).toBe(400);
      expect(inner.body?.errors?.[0]?.extensions?.code).toBe('AWS_CALL_BUDGET_EXCEEDED');
      expect(inner.body?.errors?.[0]?.message).toMatch(/up to 168 AWS calls .*at most 100/);
      expect(h.emulator.callCount()).toBe(0);
    } finally {
      for (const id of extra) federation.budgets.budgets.delete(id);
    }
  });

  it('forwards x-request-id to the subgraph, so its log lines carry the caller’s id', async () => {
    await viaGateway(`mutation { startCampaign(id: "demo-spring-renewals") { __typename } }`, undefined, {
      'x-request-id': 'through-the-router-1',
    });
    expect(h.logs).toContainEqual(
      expect.objectContaining({ event: 'campaign.start', requestId: 'through-the-router-1', outcome: 'StartCampaignSuccess' }),
    );
  });

  it('serves their generic ValidationError beside our CampaignValidationError', async () => {
    const body = await viaGateway<Record<string, { __typename: string; message?: string }>>(`mutation {
      theirs: setBudget(campaignId: "${campaignIds[0]}", amountCents: -1) { __typename ... on Error { message } }
      ours: startCampaign(id: "has space") { __typename ... on CampaignError { message } }
    }`);
    expect(body.data).toEqual({
      theirs: { __typename: 'ValidationError', message: 'amountCents must not be negative' },
      ours: { __typename: 'CampaignValidationError', message: expect.stringContaining('Campaign id') },
    });
  });
});

describe('startCampaign through the gateway: every member of StartCampaignResult', () => {
  const START = `mutation Start($id: ID!) {
    startCampaign(id: $id) {
      __typename
      ... on StartCampaignSuccess { campaign { id state name budget { amountCents } } }
      ... on CampaignError { code message retryable requestId }
      ... on InvalidCampaignStateError { state }
      ... on CampaignValidationError { field }
    }
  }`;
  type StartData = { startCampaign: Record<string, unknown> };

  it('StartCampaignSuccess, with fresh state and a field from the other subgraph', async () => {
    const body = await viaGateway<StartData>(START, { id: campaignIds[0] });
    expect(body.data?.startCampaign).toEqual({
      __typename: 'StartCampaignSuccess',
      campaign: { id: campaignIds[0], state: 'RUNNING', name: h.emulator.store.get(campaignIds[0]!)!.name, budget: { amountCents: 1000 } },
    });
  });

  it('InvalidCampaignStateError with the current state', async () => {
    const body = await viaGateway<StartData>(START, { id: 'demo-running-survey' });
    expect(body.data?.startCampaign).toMatchObject({ __typename: 'InvalidCampaignStateError', code: 'INVALID_CAMPAIGN_STATE', state: 'RUNNING' });
  });

  it('CampaignNotFoundError for an unknown campaign', async () => {
    const body = await viaGateway<StartData>(START, { id: 'no-such-campaign' });
    expect(body.data?.startCampaign).toMatchObject({ __typename: 'CampaignNotFoundError', code: 'RESOURCE_NOT_FOUND', retryable: false });
  });

  it('CampaignValidationError for an id AWS would refuse, without calling AWS', async () => {
    const body = await viaGateway<StartData>(START, { id: 'semi;colon' });
    expect(body.data?.startCampaign).toMatchObject({ __typename: 'CampaignValidationError', field: 'id', requestId: null });
    expect(h.emulator.callCount()).toBe(0);
  });

  it.each(ACTION_FAULTS)('%s from AWS as %s', async (exception, typename, code, retryable) => {
    h.emulator.faults.failNext('StartCampaign', 1, { name: exception, message: `emulated ${exception}` });
    const body = await viaGateway<StartData>(START, { id: campaignIds[0] });
    expect(body.data?.startCampaign).toMatchObject({
      __typename: typename,
      code,
      retryable,
      message: `emulated ${exception}`,
      requestId: expect.any(String),
    });
  });
});

describe('the other lifecycle actions through the gateway', () => {
  it('pauses, resumes and stops in one operation, with availableActions following, and keeps results beside a lost one', async () => {
    const body = await viaGateway<Record<string, unknown>>(`mutation {
      p: pauseCampaign(id: "demo-running-survey") { __typename ... on PauseCampaignSuccess { campaign { state availableActions } } }
      r: resumeCampaign(id: "demo-paused-winback") { __typename ... on ResumeCampaignSuccess { campaign { state availableActions } } }
      s: stopCampaign(id: "demo-stopped-promo") { __typename ... on InvalidCampaignStateError { state } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      p: { __typename: 'PauseCampaignSuccess', campaign: { state: 'PAUSED', availableActions: ['RESUME', 'STOP'] } },
      r: { __typename: 'ResumeCampaignSuccess', campaign: { state: 'RUNNING', availableActions: ['PAUSE', 'STOP'] } },
      s: { __typename: 'InvalidCampaignStateError', state: 'STOPPED' },
    });

    h.emulator.faults.dropNext('PauseCampaign', 1);
    const partial = await viaGateway<Record<string, unknown>>(`mutation {
      p: pauseCampaign(id: "demo-paused-winback") { __typename }
      s: stopCampaign(id: "demo-running-survey") { __typename }
    }`);
    expect(partial.data).toEqual({ p: null, s: { __typename: 'StopCampaignSuccess' } });
    expect(partial.errors).toEqual([expect.objectContaining({ path: ['p'], extensions: expect.objectContaining({ code: 'OUTCOME_UNKNOWN' }) })]);
  });
});
