import { startHarness, type Harness } from '../helpers/gatewayHarness';
import { budgetsSdl, composeWithGuild, startHiveGateway, type HiveGateway } from '../helpers/hiveGateway';
import { startBudgetsSubgraph, type BudgetsSubgraph } from '../helpers/budgetsSubgraph';
import { bearer, jwtEnv, makeKey, signToken, startJwksServer, type JwksServer, type SigningKey } from '../helpers/jwks';
import { ACTION_FAULTS } from '../helpers/actionFaults';
import { subscribeSse } from '../helpers/subscribers';

// `@graphql-hive/gateway` (the CLI package) re-exports these JWT helpers from the plugin; the
// reference config requires them from there.
jest.mock(
  '@graphql-hive/gateway',
  () => {
    const plugin = jest.requireActual<typeof import('@graphql-mesh/plugin-jwt-auth')>('@graphql-mesh/plugin-jwt-auth');
    return {
      defineConfig: <T>(config: T) => config,
      extractFromHeader: plugin.extractFromHeader,
      createRemoteJwksSigningKeyProvider: plugin.createRemoteJwksSigningKeyProvider,
    };
  },
  { virtual: true },
);

interface Body<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

let key: SigningKey;
let jwks: JwksServer;
let h: Harness;
let budgets: BudgetsSubgraph;
let supergraphSdl: string;
/** Enforces @authenticated / @requiresScopes itself. */
let hive: HiveGateway;
/** Verifies and forwards tokens, but leaves the auth directives to the subgraph. */
let hiveWithoutChecks: HiveGateway;
let campaignIds: string[];
/** HTTP requests that reached our subgraph's /graphql. */
let subgraphRequests = 0;
let fullToken: string;

beforeAll(async () => {
  key = await makeKey('hive-key');
  jwks = await startJwksServer([key]);
  // Default SCHEMA_AUTH_DIRECTIVES=on, and the subgraph verifies the same tokens itself.
  h = await startHarness({ maxAttempts: 1, env: jwtEnv(jwks) });
  h.gateway.httpServer.on('request', (req: { url?: string }) => {
    if (req.url?.startsWith('/graphql')) subgraphRequests++;
  });
  campaignIds = h.emulator.store.list().map((c) => c.id);
  budgets = await startBudgetsSubgraph([
    ...campaignIds.slice(0, 30).map((id, i): [string, number] => [id, 1000 + i]),
    ['deleted-campaign', 5],
  ]);
  fullToken = await signToken(key, { subject: 'alice', claims: { scope: 'openid campaigns:start' } });
  // As a router's registry does: our SDL from `_service { sdl }`, theirs beside it.
  const service = await h.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, { authorization: `Bearer ${fullToken}` });
  const ourSdl = service.body.data!._service.sdl;
  expect(ourSdl).toContain('@requiresScopes');
  supergraphSdl = composeWithGuild([
    { name: 'campaigns', url: h.url, typeDefs: ourSdl },
    { name: 'budgets', url: budgets.url, typeDefs: budgetsSdl() },
  ]);
  hive = await startHiveGateway({ supergraphSdl, jwks });
  hiveWithoutChecks = await startHiveGateway({ supergraphSdl, jwks, enforceAuthDirectives: false });
});
afterAll(async () => {
  await hive?.stop();
  await hiveWithoutChecks?.stop();
  await budgets?.stop();
  await h?.close();
  await jwks?.close();
});
beforeEach(() => {
  h.emulator.store.reset();
  h.emulator.faults.clear();
  h.emulator.resetCalls();
  subgraphRequests = 0;
});

async function post<T>(gateway: HiveGateway, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as Body<T> };
}

describe('Hive Gateway (deploy/routers/hive-gateway.config.cjs) over a supergraph composed by @theguild/federation-composition (auth directives on)', () => {
  it('carries both auth directives into the supergraph', () => {
    expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)');
    expect(supergraphSdl).toMatch(/\): StartCampaignResult @join__field\(graph: CAMPAIGNS\) @requiresScopes\(scopes: \[\["campaigns:start"\]\]\)/);
    expect(supergraphSdl).toMatch(/type Campaign[^{]*@authenticated/);
  });

  it('joins a page of our campaigns with their budgets, and their budgets with our campaigns (_entities)', async () => {
    const page = await post<{ campaigns: { edges: Array<{ node: { id: string; state: string; budget: { amountCents: number } | null } }> } }>(
      hive,
      '{ campaigns(first: 30) { edges { node { id state budget { amountCents } } } } }',
      undefined,
      bearer(fullToken),
    );
    expect(page.status).toBe(200);
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data!.campaigns.edges.map((e) => e.node.id)).toEqual(campaignIds.slice(0, 30));
    expect(page.body.data!.campaigns.edges[0]!.node).toEqual({ id: campaignIds[0], state: 'INITIALIZED', budget: { amountCents: 1000 } });

    h.emulator.resetCalls();
    const theirs = await post<{ budgets: { nodes: Array<{ amountCents: number; campaign: { id: string; state: string | null } }> } }>(
      hive,
      '{ budgets { nodes { amountCents campaign { id state } } } }',
      undefined,
      bearer(fullToken),
    );
    expect(theirs.body.errors).toBeUndefined();
    const nodes = theirs.body.data!.budgets.nodes;
    expect(nodes).toHaveLength(31);
    expect(nodes[0]).toEqual({ amountCents: 1000, campaign: { id: campaignIds[0], state: 'INITIALIZED' } });
    expect(nodes[30]).toEqual({ amountCents: 5, campaign: { id: 'deleted-campaign', state: null } });
    // 31 references in one _entities request, read in ⌈31/25⌉ state batches.
    expect(h.emulator.calls.map((c) => [c.operation, c.campaignIds.length])).toEqual([
      ['GetCampaignStateBatch', 25],
      ['GetCampaignStateBatch', 6],
    ]);
  });

  it('forwards x-request-id, so the subgraph’s audit line carries the caller’s id', async () => {
    await post(hive, `mutation { startCampaign(id: "demo-spring-renewals") { __typename } }`, undefined, {
      ...bearer(fullToken),
      'x-request-id': 'through-hive-1',
    });
    expect(h.logs).toContainEqual(
      expect.objectContaining({ event: 'campaign.start', requestId: 'through-hive-1', principal: 'alice', outcome: 'StartCampaignSuccess' }),
    );
  });
});

describe('startCampaign through Hive Gateway: every member of StartCampaignResult', () => {
  const START = `mutation Start($id: ID!) {
    startCampaign(id: $id) {
      __typename
      ... on StartCampaignSuccess { campaign { id state budget { amountCents } } }
      ... on CampaignError { code message retryable requestId }
      ... on InvalidCampaignStateError { state }
      ... on CampaignValidationError { field }
    }
  }`;
  type StartData = { startCampaign: Record<string, unknown> };
  const start = (id: string) => post<StartData>(hive, START, { id }, bearer(fullToken));

  it('StartCampaignSuccess, with the fresh state and a field from the other subgraph', async () => {
    const { body } = await start(campaignIds[0]!);
    expect(body.errors).toBeUndefined();
    expect(body.data?.startCampaign).toEqual({
      __typename: 'StartCampaignSuccess',
      campaign: { id: campaignIds[0], state: 'RUNNING', budget: { amountCents: 1000 } },
    });
  });

  it('InvalidCampaignStateError with the current state', async () => {
    const { body } = await start('demo-running-survey');
    expect(body.data?.startCampaign).toMatchObject({ __typename: 'InvalidCampaignStateError', code: 'INVALID_CAMPAIGN_STATE', state: 'RUNNING', retryable: false });
  });

  it('CampaignNotFoundError for an unknown campaign', async () => {
    const { body } = await start('no-such-campaign');
    expect(body.data?.startCampaign).toMatchObject({ __typename: 'CampaignNotFoundError', code: 'RESOURCE_NOT_FOUND', retryable: false });
  });

  it('CampaignValidationError for an id AWS would refuse, without calling AWS', async () => {
    const { body } = await start('semi;colon');
    expect(body.data?.startCampaign).toMatchObject({ __typename: 'CampaignValidationError', code: 'VALIDATION', field: 'id', requestId: null });
    expect(h.emulator.callCount()).toBe(0);
  });

  it.each(ACTION_FAULTS)('%s from AWS as %s', async (exception, typename, code, retryable) => {
    h.emulator.faults.failNext('StartCampaign', 1, { name: exception, message: `emulated ${exception}` });
    const { body } = await start(campaignIds[0]!);
    expect(body.data?.startCampaign).toMatchObject({ __typename: typename, code, retryable, message: `emulated ${exception}`, requestId: expect.any(String) });
  });
});

describe('the auth directives, enforced by Hive Gateway and by the subgraph', () => {
  const START = 'mutation Start($id: ID!) { startCampaign(id: $id) { __typename ... on CampaignError { code requestId } } }';

  it('a token without campaigns:start is refused by the gateway’s @requiresScopes, before the subgraph is called', async () => {
    const token = await signToken(key, { claims: { scope: 'openid campaigns:read' } });
    const res = await post<{ startCampaign: unknown }>(hive, START, { id: campaignIds[0] }, bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: ['startCampaign'], extensions: expect.objectContaining({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' }) }),
    ]);
    expect(subgraphRequests).toBe(0);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('with the gateway’s check off, the subgraph refuses the same token with a typed CampaignAccessDeniedError', async () => {
    const token = await signToken(key, { claims: { scope: 'openid campaigns:read' } });
    const res = await post<{ startCampaign: unknown }>(hiveWithoutChecks, START, { id: campaignIds[0] }, bearer(token));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.startCampaign).toEqual({ __typename: 'CampaignAccessDeniedError', code: 'ACCESS_DENIED', requestId: null });
    expect(subgraphRequests).toBe(1);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('reads the scope from an `scp` array too, in the gateway as in the subgraph', async () => {
    const token = await signToken(key, { claims: { scp: ['campaigns:read', 'campaigns:start'] } });
    const res = await post<{ startCampaign: unknown }>(hive, START, { id: campaignIds[0] }, bearer(token));
    expect(res.body.data?.startCampaign).toEqual({ __typename: 'StartCampaignSuccess' });
    expect(subgraphRequests).toBe(1);
  });

  it('no token: @authenticated fields get the gateway’s 401 without reaching the subgraph; their public fields still answer', async () => {
    const refused = await post(hive, '{ campaign(id: "demo-running-survey") { id state } }');
    expect(refused.status).toBe(401);
    // One error per @authenticated field selected, each at its path.
    expect(refused.body.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([
      ['UNAUTHORIZED_FIELD_OR_TYPE', 'campaign.id'],
      ['UNAUTHORIZED_FIELD_OR_TYPE', 'campaign.state'],
    ]);
    expect(refused.body.data ?? null).toBeNull();
    const nested = await post(hive, '{ budgets { nodes { amountCents campaign { id state } } } }');
    expect(nested.status).toBe(401);
    expect(subgraphRequests).toBe(0);

    const publicOnly = await post<{ budgets: { nodes: Array<{ amountCents: number }> } }>(hive, '{ budgets { nodes { amountCents } } }');
    expect(publicOnly.status).toBe(200);
    expect(publicOnly.body.data?.budgets.nodes).toHaveLength(31);
    expect(subgraphRequests).toBe(0);
  });

  it('an invalid token is refused by the gateway’s JWT plugin', async () => {
    const expired = await signToken(key, { expiresIn: -600 });
    const res = await post(hive, '{ budgets { nodes { amountCents } } }', undefined, bearer(expired));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ message: 'Unauthenticated' }] });
    expect(subgraphRequests).toBe(0);
  });
});

// Last: the live poller may go on polling for a moment after Hive Gateway lets go of a stream,
// which would show in the AWS call counts of the tests above.
describe('campaignStateChanged through Hive Gateway (GraphQL over SSE to the subgraph)', () => {
  it('pushes the first state, then the change a start through the gateway made, end to end', async () => {
    const s = subscribeSse(hive.url, ['demo-spring-renewals', 'demo-running-survey'], { authorization: `Bearer ${fullToken}` });
    try {
      await s.waitFor((events) => events.length >= 2, 10_000, 'first states');
      expect(new Map(s.events.map((e) => [e.id, e.state]))).toEqual(new Map([['demo-spring-renewals', 'INITIALIZED'], ['demo-running-survey', 'RUNNING']]));
      const start = await post(hive, 'mutation { startCampaign(id: "demo-spring-renewals") { __typename } }', undefined, bearer(fullToken));
      expect(start.body.data).toEqual({ startCampaign: { __typename: 'StartCampaignSuccess' } });
      await s.waitFor((events) => events.some((e) => e.id === 'demo-spring-renewals' && e.state === 'RUNNING'), 5000, 'the start');
      expect(s.errors).toEqual([]);
    } finally {
      s.dispose();
    }
  });

  it('no token: the gateway refuses the @authenticated subscription', async () => {
    const s = subscribeSse(hive.url, ['demo-running-survey']);
    try {
      await s.waitFor(() => s.errors.length > 0, 10_000, 'an error');
      expect(s.events).toEqual([]);
    } finally {
      s.dispose();
    }
  });
});
