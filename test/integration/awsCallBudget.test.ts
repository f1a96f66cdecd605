import { startHarness, useHarness, type Harness } from '../helpers/gatewayHarness';

/** What a router sends to resolve references to campaigns. */
const ENTITIES = (selection: string) =>
  `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on Campaign { ${selection} } } }`;
const reps = (n: number, prefix = 'rep') => Array.from({ length: n }, (_, i) => ({ __typename: 'Campaign', id: `${prefix}-${i}` }));

type Errors = Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
const codeOf = (res: { body: { errors?: Errors } }) => res.body.errors?.[0]?.extensions?.code;

const harness = useHarness({ maxAttempts: 1 });
let h: Harness;
beforeEach(() => {
  h = harness();
});

describe('MAX_AWS_CALLS_PER_REQUEST (100) and MAX_ENTITY_REPRESENTATIONS (500), from _entities', () => {
  it('refuses 5,000 representations before any AWS call: 400 TOO_MANY_REPRESENTATIONS', async () => {
    const res = await h.graphql(ENTITIES('id state'), { representations: reps(5000) });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('TOO_MANY_REPRESENTATIONS');
    expect(res.body.errors?.[0]?.message).toMatch(/at most 500 .*holds 5000.*batches of 500/);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('counts repeated representations toward MAX_ENTITY_REPRESENTATIONS: each one is resolved, even when it costs no AWS call', async () => {
    const same = Array.from({ length: 501 }, () => ({ __typename: 'Campaign', id: 'demo-running-survey' }));
    const res = await h.graphql(ENTITIES('id state'), { representations: same });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('TOO_MANY_REPRESENTATIONS');
    expect(h.emulator.callCount()).toBe(0);
  });

  it('refuses 400 representations selecting a described field (400 DescribeCampaign) before any AWS call: 400 AWS_CALL_BUDGET_EXCEEDED', async () => {
    const res = await h.graphql(ENTITIES('id timeZone'), { representations: reps(400) });
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'AWS_CALL_BUDGET_EXCEEDED', limit: 100, estimate: 416 });
    expect(res.body.errors?.[0]?.message).toMatch(
      /up to 416 AWS calls \(16 GetCampaignStateBatch, 400 DescribeCampaign\); one request may make at most 100\. Ask for fewer campaigns/,
    );
    expect(h.emulator.callCount()).toBe(0);
  });

  it('prices distinct campaigns, not representations: 400 representations of 52 campaigns selecting timeZone run for 55 calls', async () => {
    const ids = Array.from({ length: 52 }, (_, i) => `outreach-${String(i + 1).padStart(3, '0')}`);
    const representations = Array.from({ length: 400 }, (_, i) => ({ __typename: 'Campaign', id: ids[i % ids.length] }));
    const res = await h.graphql<{ _entities: Array<{ id: string; timeZone: string } | null> }>(ENTITIES('id timeZone'), { representations });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?._entities).toHaveLength(400);
    // ⌈52/25⌉ = 3 state batches and one DescribeCampaign per distinct campaign: 3 + 52 = 55.
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(3);
    expect(h.emulator.callCount('DescribeCampaign')).toBe(52);
    expect(h.emulator.callCount()).toBe(55);
  });

  it('serves 400 representations selecting only state: 16 batched calls', async () => {
    const res = await h.graphql<{ _entities: Array<{ id: string } | null> }>(ENTITIES('id state'), { representations: reps(400) });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?._entities).toHaveLength(400);
    expect(h.emulator.callCount()).toBe(16);
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(16);
  });

  it('serves the largest allowed batch (500 representations, 20 calls), a repeated id costing no more calls', async () => {
    const ok = await h.graphql(ENTITIES('id'), { representations: [...reps(400), ...reps(100)] });
    expect(ok.status).toBe(200);
    expect(h.emulator.callCount()).toBe(16);
    const over = await h.graphql(ENTITIES('id'), { representations: reps(501) });
    expect(codeOf(over)).toBe('TOO_MANY_REPRESENTATIONS');
  });

  it('stays within 100 at the edge: 84 described representations (4 + 84 = 88 calls) run, 97 (4 + 97 = 101) do not', async () => {
    for (const { id } of reps(97)) h.emulator.store.put({ id, name: id });
    const ok = await h.graphql(ENTITIES('id tags { key }'), { representations: reps(84) });
    expect(ok.status).toBe(200);
    expect(h.emulator.callCount()).toBeLessThanOrEqual(100);
    expect(h.emulator.callCount('DescribeCampaign')).toBe(84);
    h.emulator.resetCalls();
    const over = await h.graphql(ENTITIES('id tags { key }'), { representations: reps(97) });
    expect(codeOf(over)).toBe('AWS_CALL_BUDGET_EXCEEDED');
    expect(h.emulator.callCount()).toBe(0);
  });
});

describe('the budget, from the other fields that cost AWS calls', () => {
  it('refuses a page of 100 campaigns selecting a described field (100 DescribeCampaign)', async () => {
    const res = await h.graphql('{ campaigns(first: 100) { edges { node { id timeZone } } } }');
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('AWS_CALL_BUDGET_EXCEEDED');
    expect(res.body.errors?.[0]?.message).toMatch(/up to 102 AWS calls \(100 DescribeCampaign, 2 ListCampaigns\)/);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('serves a page of 100 with row fields and state: they cost no DescribeCampaign', async () => {
    const res = await h.graphql('{ campaigns(first: 60) { edges { node { id name state } } } }');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(h.emulator.callCount('DescribeCampaign')).toBe(0);
  });

  it('prices fields hidden in fragments, and prices a skipped field at nothing', async () => {
    const query = `query Q($skip: Boolean!) { campaigns(first: 100) { edges { node { ...Described } } } }
      fragment Described on Campaign { id timeZone @skip(if: $skip) }`;
    const priced = await h.graphql(query, { skip: false });
    expect(codeOf(priced)).toBe('AWS_CALL_BUDGET_EXCEEDED');
    expect(h.emulator.callCount()).toBe(0);
    const skipped = await h.graphql(query, { skip: true });
    expect(skipped.status).toBe(200);
    expect(h.emulator.callCount('DescribeCampaign')).toBe(0);
  });

  it('prices aliases and mutations with a smaller budget (MAX_AWS_CALLS_PER_REQUEST=10), refused starts audited', async () => {
    const small = await startHarness({ maxAttempts: 1, env: { MAX_AWS_CALLS_PER_REQUEST: '10' } });
    try {
      const aliases = Array.from({ length: 10 }, (_, i) => `c${i}: campaign(id: "demo-${i}") { id timeZone }`).join(' ');
      const reads = await small.graphql(`{ ${aliases} }`);
      expect(reads.status).toBe(400);
      expect(reads.body.errors?.[0]?.message).toMatch(/up to 11 AWS calls \(1 GetCampaignStateBatch, 10 DescribeCampaign\)/);
      const starts = Array.from({ length: 6 }, (_, i) => `s${i}: startCampaign(id: "fan-${i}") { ... on StartCampaignSuccess { campaign { state } } }`).join(' ');
      const mutation = await small.graphql(`mutation { ${starts} }`, {}, { 'x-request-id': 'budget-starts' });
      expect(mutation.status).toBe(400);
      expect(mutation.body.errors?.[0]?.message).toMatch(/up to 12 AWS calls \(6 campaign actions, 6 GetCampaignStateBatch\)/);
      expect(small.emulator.callCount()).toBe(0);
      const audit = small.logs.filter((l) => l.event === 'campaign.start' && l.requestId === 'budget-starts');
      expect(audit).toHaveLength(6);
      expect(audit[0]).toMatchObject({ outcome: 'error', errorCode: 'AWS_CALL_BUDGET_EXCEEDED', awsRequestId: null });
    } finally {
      await small.close();
    }
  });

  it('answers an explicit null where a defaulted variable meets a non-null argument as the client error it is (400 BAD_USER_INPUT), not a 500', async () => {
    // Validation allows a variable with a default in a non-null position; a null sent for it fails
    // only once arguments are read, which pricing does first.
    const cases: Array<[string, Record<string, unknown>]> = [
      ['query Skip($s: Boolean = false) { campaigns(first: 5) @skip(if: $s) { edges { node { id } } } }', { s: null }],
      ['query One($id: ID = "demo-running-survey") { campaign(id: $id) { id } }', { id: null }],
      ['mutation Stop($id: ID = "demo-running-survey") { stopCampaign(id: $id) { __typename } }', { id: null }],
      ['query Nested($s: Boolean = true) { campaign(id: "demo-running-survey") { schedule { startTime @include(if: $s) } } }', { s: null }],
      ['query Sdl($s: Boolean = true) { _service { sdl @include(if: $s) } }', { s: null }],
    ];
    for (const [query, variables] of cases) {
      const res = await h.graphql(query, variables);
      expect([res.status, codeOf(res)]).toEqual([400, 'BAD_USER_INPUT']);
      expect(res.body.errors?.[0]?.message).toMatch(/must not be null/);
    }
    expect(h.emulator.callCount()).toBe(0);
  });

  it('prices a document again wherever a remembered pass could differ: a null after a value, a directive or a `first` given by value', async () => {
    // A pass is remembered per parsed operation and per way its variables are given (absent, null, a value).
    const stop = 'mutation Stop($id: ID = "demo-running-survey") { stopCampaign(id: $id) { __typename } }';
    const stopped = await h.graphql<{ stopCampaign: { __typename: string } }>(stop, { id: 'no-such-campaign' });
    expect(stopped.body.data?.stopCampaign.__typename).toBe('CampaignNotFoundError');
    const nulled = await h.graphql(stop, { id: null });
    expect([nulled.status, codeOf(nulled)]).toEqual([400, 'BAD_USER_INPUT']);

    const page = 'query Page($first: Int, $details: Boolean!) { campaigns(first: $first) { edges { node { id timeZone @include(if: $details) } } } }';
    const cheap = await h.graphql(page, { first: 100, details: false });
    expect(cheap.status).toBe(200);
    const dear = await h.graphql(page, { first: 100, details: true });
    expect([dear.status, codeOf(dear)]).toEqual([400, 'AWS_CALL_BUDGET_EXCEEDED']);
    const small = await h.graphql(page, { first: 5, details: true });
    expect(small.status).toBe(200);
    const larger = await h.graphql(page, { first: 100, details: true });
    expect([larger.status, codeOf(larger)]).toEqual([400, 'AWS_CALL_BUDGET_EXCEEDED']);
  });

  it('writes one audit line per action when an operation is over both the start cap and the budget', async () => {
    // Apollo runs every plugin's didResolveOperation at once: both refusals fire, the answer is one.
    const small = await startHarness({ maxAttempts: 1, env: { MAX_AWS_CALLS_PER_REQUEST: '20' } });
    try {
      const starts = Array.from({ length: 11 }, (_, i) => `s${i}: startCampaign(id: "fan-${i}") { ... on StartCampaignSuccess { campaign { state } } }`).join(' ');
      const res = await small.graphql(`mutation { ${starts} }`, {}, { 'x-request-id': 'cap-and-budget' });
      expect(res.status).toBe(400);
      expect(small.emulator.callCount()).toBe(0);
      const audit = small.logs.filter((l) => l.event === 'campaign.start' && l.requestId === 'cap-and-budget');
      expect(audit.map((l) => l.campaignId)).toEqual(Array.from({ length: 11 }, (_, i) => `fan-${i}`));
      expect(new Set(audit.map((l) => l.errorCode))).toEqual(new Set([codeOf(res)]));
    } finally {
      await small.close();
    }
  });

  it('stops what it could not price ahead at the budget, with the error on the fields left unserved', async () => {
    // The boundary allows 2 calls while the up-front check allows 100: as if the check had missed a cost.
    const tight = await startHarness({ maxAttempts: 1, boundaryMaxCalls: 2 });
    try {
      const res = await tight.graphql<Record<string, { timeZone: string | null } | null>>(
        '{ a: campaign(id: "demo-spring-renewals") { timeZone } b: campaign(id: "demo-payment-followup") { timeZone } }',
      );
      expect(res.status).toBe(200);
      expect(tight.emulator.callCount()).toBe(2);
      const errors = res.body.errors ?? [];
      expect(errors).toHaveLength(1);
      expect(errors[0]?.extensions).toMatchObject({ code: 'AWS_CALL_BUDGET_EXCEEDED', limit: 2 });
      expect(errors[0]?.message).toMatch(/used all 2 AWS calls.*not served/);
      // One campaign was described, the other's field carries the error.
      const served = Object.values(res.body.data ?? {}).filter((c) => c?.timeZone);
      expect(served).toHaveLength(1);
    } finally {
      await tight.close();
    }
  });
});
