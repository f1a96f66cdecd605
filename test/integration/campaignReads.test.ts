import { DEMO_SECOND_INSTANCE_ID } from '../../src/emulator';
import { CampaignCursors } from '../../src/campaigns/campaignCursor';
import { useHarness, type Harness } from '../helpers/gatewayHarness';

// The alias budget below asks for up to 60 aliased campaigns: above the default MAX_QUERY_ALIASES (15).
const CURSOR_SECRET = 'campaign-reads-test-cursor-secret-0123456789';
const harness = useHarness({ maxAttempts: 1, env: { MAX_QUERY_ALIASES: '100', CURSOR_SECRET } });
/** Cursors as this gateway (with its CURSOR_SECRET) signs them. */
const gatewayCursors = new CampaignCursors(Buffer.from(CURSOR_SECRET, 'utf8'));
let h: Harness;
let ids: string[];
beforeEach(() => {
  h = harness();
  ids = h.emulator.store.list().map((c) => c.id);
});

/** Every AWS call the emulator saw, as [operation, number of campaign ids named]. */
function awsCalls(): Array<[string, number]> {
  return h.emulator.calls.map((c) => [c.operation, c.campaignIds.length]);
}

const ALL_FIELDS = `
  id state name arn connectInstanceId type channelSubtypes connectCampaignFlowArn timeZone
  schedule { startTime endTime refreshFrequency }
  source { customerProfilesSegmentArn customerProfilesDomainArn }
  telephony { outboundMode bandwidthAllocation capacity connectQueueId connectContactFlowId connectSourcePhoneNumber answerMachineDetection ringTimeoutSeconds }
  tags { key value }
`;

interface Edge {
  cursor: string;
  node: { id: string; name?: string; state?: string; connectInstanceId?: string; type?: string | null };
}
interface Connection {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

async function listPage(args: string, fields = 'id'): Promise<Connection> {
  const res = await h.graphql<{ campaigns: Connection }>(
    `{ campaigns${args ? `(${args})` : ''} { edges { cursor node { ${fields} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.campaigns;
}

describe('Query.campaign', () => {
  it('answers every field from one state batch and one DescribeCampaign', async () => {
    const res = await h.graphql(`{ campaign(id: "demo-spring-renewals") { ${ALL_FIELDS} } }`);
    const stored = h.emulator.store.get('demo-spring-renewals')!;
    expect(res.body).toEqual({
      data: {
        campaign: {
          id: 'demo-spring-renewals',
          state: 'INITIALIZED',
          name: 'Spring Renewals',
          arn: stored.arn,
          connectInstanceId: stored.connectInstanceId,
          type: 'MANAGED',
          channelSubtypes: ['TELEPHONY'],
          connectCampaignFlowArn: stored.connectCampaignFlowArn,
          timeZone: 'America/New_York',
          schedule: { startTime: '2025-03-01T08:00:00.000Z', endTime: '2026-12-31T20:00:00.000Z', refreshFrequency: 'P1D' },
          source: { customerProfilesSegmentArn: (stored.source as { customerProfilesSegmentArn: string }).customerProfilesSegmentArn, customerProfilesDomainArn: null },
          telephony: {
            outboundMode: 'PROGRESSIVE',
            bandwidthAllocation: 1,
            capacity: 1,
            connectQueueId: null,
            connectContactFlowId: stored.channelSubtypeConfig!.telephony!.defaultOutboundConfig.connectContactFlowId,
            connectSourcePhoneNumber: '+12065550100',
            answerMachineDetection: true,
            ringTimeoutSeconds: null,
          },
          tags: [
            { key: 'env', value: 'demo' },
            { key: 'owner', value: 'emulator' },
          ],
        },
      },
    });
    expect(awsCalls()).toEqual([
      ['GetCampaignStateBatch', 1],
      ['DescribeCampaign', 1],
    ]);
  });

  it('answers the type AWS stores, read in full or listed (no null where AWS has a value)', async () => {
    const full = await h.graphql(`{ campaign(id: "demo-payment-followup") { ${ALL_FIELDS} } }`);
    expect(full.body.errors).toBeUndefined();
    expect(full.body.data).toMatchObject({ campaign: { id: 'demo-payment-followup', type: 'MANAGED' } });
    h.emulator.store.put({ id: 'demo-payment-followup', type: 'JOURNEY' });
    const listed = await listPage('first: 8', 'id type');
    expect(listed.edges.map((e) => e.node)).toContainEqual({ id: 'demo-payment-followup', type: 'JOURNEY' });
  });

  it('is null when AWS does not know the campaign, for one state batch and no DescribeCampaign', async () => {
    const res = await h.graphql(`{ campaign(id: "no-such-campaign") { id name state } }`);
    expect(res.body).toEqual({ data: { campaign: null } });
    expect(awsCalls()).toEqual([['GetCampaignStateBatch', 1]]);
  });

  it('refuses an id AWS would refuse with BAD_USER_INPUT, without calling AWS', async () => {
    const res = await h.graphql(`{ campaign(id: "has space") { id } }`);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(h.emulator.callCount()).toBe(0);
  });

  it('keeps a documented DescribeCampaign failure to the described fields, with code and request id', async () => {
    h.emulator.faults.failNext('DescribeCampaign', 1, { name: 'AccessDeniedException', message: 'no describe for you' });
    const res = await h.graphql(`{ campaign(id: "demo-spring-renewals") { id state name tags { key } } }`);
    expect(res.body.data).toEqual({ campaign: { id: 'demo-spring-renewals', state: 'INITIALIZED', name: null, tags: null } });
    // Both fields share the one failed call, and each reports it.
    const errors = [...(res.body.errors ?? [])].sort((a, b) => String(a.path).localeCompare(String(b.path)));
    expect(errors).toEqual(
      ['name', 'tags'].map((field) =>
        expect.objectContaining({
          path: ['campaign', field],
          message: 'no describe for you',
          extensions: { code: 'ACCESS_DENIED', retryable: false, requestId: expect.any(String) },
        }),
      ),
    );
    expect(h.emulator.callCount('DescribeCampaign')).toBe(1);
  });
});

describe('budget: id + state of N campaigns by aliases costs ⌈N/25⌉ GetCampaignStateBatch calls', () => {
  it.each([1, 25, 26, 60])('N = %i', async (n) => {
    const chosen = ids.slice(0, n);
    const query = `{ ${chosen.map((id, i) => `c${i}: campaign(id: "${id}") { id state }`).join(' ')} }`;
    const res = await h.graphql<Record<string, { id: string; state: string }>>(query);
    expect(res.body.errors).toBeUndefined();
    expect(Object.values(res.body.data!).map((c) => c.id)).toEqual(chosen);
    expect(h.emulator.callCount()).toBe(Math.ceil(n / 25));
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(Math.ceil(n / 25));
  });

  it('asks AWS once for an id named many times', async () => {
    const res = await h.graphql(`{ a: campaign(id: "demo-running-survey") { state } b: campaign(id: "demo-running-survey") { id state } }`);
    expect(res.body.data).toEqual({ a: { state: 'RUNNING' }, b: { id: 'demo-running-survey', state: 'RUNNING' } });
    expect(awsCalls()).toEqual([['GetCampaignStateBatch', 1]]);
  });
});

describe('budget: id + state of N campaigns by _entities costs ⌈N/25⌉ GetCampaignStateBatch calls', () => {
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id state } } }`;

  it.each([1, 25, 26, 60])('N = %i', async (n) => {
    const representations = ids.slice(0, n).map((id) => ({ __typename: 'Campaign', id }));
    const res = await h.graphql<{ _entities: Array<{ id: string; state: string } | null> }>(ENTITIES, { r: representations });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!._entities.map((e) => e?.id)).toEqual(ids.slice(0, n));
    expect(h.emulator.callCount()).toBe(Math.ceil(n / 25));
  });

  it('resolves a campaign AWS does not know to null, in the same batch', async () => {
    const r = [{ __typename: 'Campaign', id: 'demo-paused-winback' }, { __typename: 'Campaign', id: 'deleted-campaign' }];
    const res = await h.graphql(ENTITIES, { r });
    expect(res.body).toEqual({ data: { _entities: [{ id: 'demo-paused-winback', state: 'PAUSED' }, null] } });
    expect(awsCalls()).toEqual([['GetCampaignStateBatch', 2]]);
  });

  it('describes each entity once when a described field is asked for', async () => {
    const r = ids.slice(0, 3).map((id) => ({ __typename: 'Campaign', id }));
    const res = await h.graphql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { name arn tags { key } } } }`, { r });
    expect(res.body.errors).toBeUndefined();
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(1);
    expect(h.emulator.callCount('DescribeCampaign')).toBe(3);
  });
});

describe('Query.campaigns', () => {
  it('budget: a page of 30 with name and state costs 1 ListCampaigns, 2 state batches, no DescribeCampaign', async () => {
    const page = await listPage('first: 30', 'id name state');
    expect(page.edges).toHaveLength(30);
    expect(page.edges[0]!.node).toEqual({ id: ids[0], name: h.emulator.store.get(ids[0]!)!.name, state: 'INITIALIZED' });
    expect(awsCalls()).toEqual([
      ['ListCampaigns', 0],
      ['GetCampaignStateBatch', 25],
      ['GetCampaignStateBatch', 5],
    ]);
  });

  it('answers every summary field of a listed campaign without DescribeCampaign', async () => {
    await listPage('first: 5', 'id name arn connectInstanceId type channelSubtypes connectCampaignFlowArn schedule { startTime }');
    expect(awsCalls()).toEqual([['ListCampaigns', 0]]);
  });

  it('lists 20 by default, in AWS order, with cursors', async () => {
    const page = await listPage('');
    expect(page.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 20));
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: page.edges[0]!.cursor, endCursor: page.edges[19]!.cursor });
  });

  it('spans two ListCampaigns calls for first: 100 (AWS answers at most 50)', async () => {
    const page = await listPage('first: 100', 'id state');
    expect(page.edges.map((e) => e.node.id)).toEqual(ids);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(h.emulator.callCount('ListCampaigns')).toBe(2);
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(Math.ceil(ids.length / 25));
  });

  it.each([
    [20, [1, 1, 2]],
    [25, [1, 1, 1]],
    [50, [1, 1]],
    [7, [1, 1, 1, 1, 1, 1, 1, 2, 1]],
  ])('pages through all 60 campaigns %i at a time, each once and in order (ListCampaigns per page: %j)', async (first, callsPerPage) => {
    const seen: string[] = [];
    const calls: number[] = [];
    let after: string | null = null;
    for (;;) {
      h.emulator.resetCalls();
      const page: Connection = await listPage(after === null ? `first: ${first}` : `first: ${first}, after: "${after}"`);
      calls.push(h.emulator.callCount('ListCampaigns'));
      seen.push(...page.edges.map((e) => e.node.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
    expect(calls).toEqual(callsPerPage);
  });

  it('resumes after any edge’s cursor, not only the last', async () => {
    const page = await listPage('first: 10');
    const next = await listPage(`first: 3, after: "${page.edges[4]!.cursor}"`);
    expect(next.edges.map((e) => e.node.id)).toEqual(ids.slice(5, 8));
  });

  it('filters by connectInstanceId, and keeps the filter across pages', async () => {
    const inSecond = h.emulator.store.list().filter((c) => c.connectInstanceId === DEMO_SECOND_INSTANCE_ID).map((c) => c.id);
    const first = await listPage(`first: 15, connectInstanceId: "${DEMO_SECOND_INSTANCE_ID}"`, 'id connectInstanceId');
    const rest = await listPage(`first: 15, connectInstanceId: "${DEMO_SECOND_INSTANCE_ID}", after: "${first.pageInfo.endCursor}"`, 'id');
    expect([...first.edges, ...rest.edges].map((e) => e.node.id)).toEqual(inSecond);
    expect(first.edges.every((e) => e.node.connectInstanceId === DEMO_SECOND_INSTANCE_ID)).toBe(true);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('answers an empty page when nothing matches', async () => {
    const page = await listPage('connectInstanceId: "no-such-instance"');
    expect(page).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
  });

  it.each([
    ['first: 0', 'first'],
    ['first: 101', 'first'],
    ['first: -1', 'first'],
    ['after: "garbage!"', 'after'],
    ['after: "eyJ2IjoyfQ"', 'after'],
    [`after: "${Buffer.from(JSON.stringify({ v: 1, t: null, o: -4, i: null })).toString('base64url')}"`, 'after'],
    ['connectInstanceId: "not an instance"', 'connectInstanceId'],
  ])('refuses %s with BAD_USER_INPUT, without calling AWS', async (args, field) => {
    const res = await h.graphql(`{ campaigns(${args}) { edges { cursor } } }`);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toEqual([expect.objectContaining({ path: ['campaigns'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) })]);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('refuses a cursor of a list with another connectInstanceId', async () => {
    const page = await listPage('first: 2');
    const res = await h.graphql(`{ campaigns(after: "${page.pageInfo.endCursor}", connectInstanceId: "${DEMO_SECOND_INSTANCE_ID}") { edges { cursor } } }`);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it.each([
    ['an unsigned cursor carrying a made-up AWS token', Buffer.from(JSON.stringify({ v: 1, t: 'forged-aws-token', o: 0, i: null })).toString('base64url')],
    ['a cursor signed with another key', new CampaignCursors(Buffer.from('x'.repeat(40))).encode({ token: 'forged-aws-token', offset: 0 }, null)],
    ['a genuine cursor with its token altered', () => {
      const [, tag] = gatewayCursors.encode({ token: 'real-token', offset: 0 }, null).split('.');
      return `${Buffer.from(JSON.stringify({ v: 1, t: 'forged-aws-token', o: 0, i: null })).toString('base64url')}.${tag}`;
    }],
    ['a signed offset of 1000', gatewayCursors.encode({ token: null, offset: 1000 }, null)],
  ])('refuses %s with BAD_USER_INPUT; its token never reaches AWS', async (_why, cursorOrMake) => {
    const cursor = typeof cursorOrMake === 'function' ? cursorOrMake() : cursorOrMake;
    const res = await h.graphql(`{ campaigns(after: "${cursor}") { edges { cursor } } }`);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: ['campaigns'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }) })]);
    expect(h.emulator.callCount()).toBe(0);
    expect(JSON.stringify(h.emulator.calls)).not.toContain('forged-aws-token');
  });

  it('passes on AWS refusing the token inside a cursor it issued (say, expired) as a VALIDATION error', async () => {
    const issued = gatewayCursors.encode({ token: 'no-longer-an-aws-token', offset: 0 }, null);
    const res = await h.graphql(`{ campaigns(after: "${issued}") { edges { cursor } } }`);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: ['campaigns'], extensions: expect.objectContaining({ code: 'VALIDATION', retryable: false }) })]);
    expect(awsCalls()).toEqual([['ListCampaigns', 0]]);
  });

  it('turns a documented ListCampaigns failure into an error with its code, retryability and request id', async () => {
    h.emulator.faults.failNext('ListCampaigns', 1, { name: 'InternalServerException', message: 'list broke' });
    const res = await h.graphql(`{ campaigns { edges { cursor } } }`);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: ['campaigns'],
        message: 'list broke',
        extensions: { code: 'INTERNAL_SERVER_ERROR', retryable: true, requestId: expect.any(String) },
      }),
    ]);
  });
});

describe('per-request loaders', () => {
  it('reads a started campaign’s state after the start: 1 StartCampaign + 1 state batch', async () => {
    const res = await h.graphql(`mutation { startCampaign(id: "demo-spring-renewals") { ... on StartCampaignSuccess { campaign { id state } } } }`);
    expect(res.body.data).toEqual({ startCampaign: { campaign: { id: 'demo-spring-renewals', state: 'RUNNING' } } });
    expect(awsCalls()).toEqual([
      ['StartCampaign', 1],
      ['GetCampaignStateBatch', 1],
    ]);
  });

  it('never shares a cache between requests', async () => {
    await h.graphql(`{ campaign(id: "demo-spring-renewals") { state } }`);
    h.emulator.store.put({ id: 'demo-spring-renewals', state: 'Paused' });
    const res = await h.graphql(`{ campaign(id: "demo-spring-renewals") { state } }`);
    expect(res.body.data).toEqual({ campaign: { state: 'PAUSED' } });
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(2);
  });
});
