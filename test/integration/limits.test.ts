import { startHarness, useHarness, type Harness } from '../helpers/gatewayHarness';

const harness = useHarness({ maxAttempts: 1 });
let h: Harness;
beforeEach(() => {
  h = harness();
});

const SELECTION = `{
  __typename
  ... on StartCampaignSuccess { campaign { id state } }
  ... on CampaignError { code message retryable requestId }
  ... on InvalidCampaignStateError { state }
  ... on CampaignValidationError { field }
}`;

/** `n` aliased starts of distinct campaigns, each with the full selection a UI would ask for. */
function fanOut(n: number, from = 0): string {
  return Array.from({ length: n }, (_, i) => `s${from + i}: startCampaign(id: "fan-${from + i}") ${SELECTION}`).join('\n');
}

function seedFanOutCampaigns(n: number): void {
  for (let i = 0; i < n; i++) h.emulator.store.put({ id: `fan-${i}`, name: `Fan ${i}` });
}

const codeOf = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions?.code;

describe('MAX_STARTS_PER_OPERATION (10)', () => {
  it('runs 10 starts in one operation, the largest allowed, within every other default limit', async () => {
    seedFanOutCampaigns(10);
    const res = await h.graphql<Record<string, { __typename: string }>>(`mutation Ten { ${fanOut(10)} }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(Object.values(res.body.data ?? {}).map((p) => p.__typename)).toEqual(Array(10).fill('StartCampaignSuccess'));
    expect(h.emulator.callCount('StartCampaign')).toBe(10);
  });

  it('refuses 11 aliased starts whole with 400 TOO_MANY_STARTS, before any AWS call, auditing each', async () => {
    seedFanOutCampaigns(11);
    const res = await h.graphql(`mutation Eleven { ${fanOut(11)} }`, {}, { 'x-request-id': 'fan-11' });
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(codeOf(res)).toBe('TOO_MANY_STARTS');
    expect(res.body.errors?.[0]?.message).toMatch(/at most 10 campaigns.*11/);
    expect(h.emulator.callCount()).toBe(0);
    const audit = h.logs.filter((l) => l.event === 'campaign.start' && l.requestId === 'fan-11');
    expect(audit).toHaveLength(11);
    expect(audit[0]).toMatchObject({ campaignId: 'fan-0', principal: 'anonymous', outcome: 'error', errorCode: 'TOO_MANY_STARTS', awsRequestId: null });
  });

  it('counts starts hidden in fragments, inline fragments and variables', async () => {
    const query = `
      mutation Hidden($id: ID!) {
        ...Six
        ... on Mutation { ${fanOut(4, 6)} }
        v: startCampaign(id: $id) { __typename }
      }
      fragment Six on Mutation { ${fanOut(6)} }`;
    const res = await h.graphql(query, { id: 'via-variable' }, { 'x-request-id': 'fan-hidden' });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('TOO_MANY_STARTS');
    expect(h.emulator.callCount()).toBe(0);
    expect(h.logs.filter((l) => l.requestId === 'fan-hidden' && l.event === 'campaign.start').map((l) => l.campaignId)).toContain('via-variable');
  });

  it('counts a start repeated under one response key once, as GraphQL runs it once', async () => {
    seedFanOutCampaigns(5);
    // 15 startCampaign fields in the text, 5 response keys: 5 starts.
    const query = `mutation Merged { ...Five ...Five ${fanOut(5)} } fragment Five on Mutation { ${fanOut(5)} }`;
    const res = await h.graphql(query);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(h.emulator.callCount('StartCampaign')).toBe(5);
  });
});

describe('size limits (graphql-armor), refused before anything runs', () => {
  it('refuses more than 15 aliases', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: campaign(id: "x") { id }`).join(' ');
    const res = await h.graphql(`{ ${aliases} }`);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/Aliases limit of 15 exceeded/);
  });

  it('audits the starts of an operation refused by a size limit', async () => {
    const res = await h.graphql(
      `mutation { ${Array.from({ length: 16 }, (_, i) => `s${i}: startCampaign(id: "big-${i}") { __typename }`).join(' ')} }`,
      {},
      { 'x-request-id': 'too-many-aliases' },
    );
    expect(res.status).toBe(400);
    expect(h.emulator.callCount()).toBe(0);
    const audit = h.logs.filter((l) => l.event === 'campaign.start' && l.requestId === 'too-many-aliases');
    expect(audit).toHaveLength(16);
    expect(audit[0]).toMatchObject({ campaignId: 'big-0', outcome: 'error', errorCode: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('audits the action of a mutation sent over GET (405), which never runs', async () => {
    const query = encodeURIComponent('mutation { stopCampaign(id: "demo-running-survey") { __typename } }');
    const res = await fetch(`${h.url}?query=${query}`, { headers: { 'apollo-require-preflight': 'true', 'x-request-id': 'get-mutation' } });
    expect(res.status).toBe(405);
    await res.text();
    expect(h.emulator.callCount()).toBe(0);
    expect(h.logs.filter((l) => l.event === 'campaign.stop' && l.requestId === 'get-mutation')).toEqual([
      expect.objectContaining({ campaignId: 'demo-running-survey', outcome: 'error', errorCode: 'BAD_REQUEST', awsRequestId: null }),
    ]);
  });

  it('audits the action of a mutation refused for its variables (400), which never runs', async () => {
    const res = await h.graphql('mutation Pause($id: ID!) { pauseCampaign(id: $id) { __typename } }', {}, { 'x-request-id': 'no-variable' });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(h.logs.filter((l) => l.event === 'campaign.pause' && l.requestId === 'no-variable')).toEqual([
      expect.objectContaining({ campaignId: null, outcome: 'error', errorCode: 'BAD_USER_INPUT' }),
    ]);
  });

  it("audits a refused action under the campaign id of its variable's default, or of the variable the request gives", async () => {
    const query = 'mutation Start($id: ID! = "demo-spring-renewals") { startCampaign(id: $id) { __typename } }';
    const byGet = (variables: string, requestId: string) =>
      fetch(`${h.url}?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(variables)}`, {
        headers: { 'apollo-require-preflight': 'true', 'x-request-id': requestId },
      }).then((res) => res.text().then(() => res.status));
    expect(await byGet('{}', 'default-id')).toBe(405);
    expect(await byGet('{"id":"demo-payment-followup"}', 'given-id')).toBe(405);
    expect(await byGet('{"id":42}', 'integer-id')).toBe(405);
    expect(h.emulator.callCount()).toBe(0);
    const audited = (requestId: string) => h.logs.filter((l) => l.event === 'campaign.start' && l.requestId === requestId);
    expect(audited('default-id')).toEqual([expect.objectContaining({ campaignId: 'demo-spring-renewals', outcome: 'error', errorCode: 'BAD_REQUEST' })]);
    expect(audited('given-id')).toEqual([expect.objectContaining({ campaignId: 'demo-payment-followup', outcome: 'error', errorCode: 'BAD_REQUEST' })]);
    expect(audited('integer-id')).toEqual([expect.objectContaining({ campaignId: '42', outcome: 'error', errorCode: 'BAD_REQUEST' })]);
  });

  it('writes no audit line for a start refused while parsing (over MAX_QUERY_TOKENS): no action can be known; the request line says what was refused', async () => {
    const padding = Array(1001).fill('__typename').join(' ');
    const res = await h.graphql(`mutation { startCampaign(id: "demo-spring-renewals") { ${padding} } }`, undefined, { 'x-request-id': 'too-many-tokens' });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('GRAPHQL_PARSE_FAILED');
    expect(h.emulator.callCount()).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = h.logs.filter((l) => l.requestId === 'too-many-tokens');
    expect(lines.filter((l) => typeof l.event === 'string' && l.event.startsWith('campaign.'))).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ event: 'graphql.request', outcome: 'rejected', status: 400, operationType: null, errorCodes: ['GRAPHQL_PARSE_FAILED'] }),
    );
  });

  it('refuses more than 10 directives', async () => {
    const fields = Array.from({ length: 11 }, (_, i) => `d${i}: __typename @include(if: true)`).join(' ');
    const res = await h.graphql(`{ ${fields} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toMatch(/Directives limit of 10 exceeded/);
  });

  it('refuses more than 1000 tokens while parsing', async () => {
    const res = await h.graphql(`{ ${Array(1001).fill('__typename').join(' ')} }`);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/contains more th.. 1000 tokens/);
  });

  it('refuses deeper or costlier operations than configured', async () => {
    const tight = await startHarness({ maxAttempts: 1, env: { MAX_QUERY_DEPTH: '2', MAX_QUERY_COST: '10' } });
    try {
      const deep = await tight.graphql('mutation { startCampaign(id: "demo-spring-renewals") { ... on StartCampaignSuccess { campaign { state } } } }');
      expect(deep.status).toBe(400);
      expect(deep.body.errors?.map((e) => e.message).join(' ')).toMatch(/Query depth limit of 2 exceeded/);
      const costly = await tight.graphql(`{ ${Array.from({ length: 6 }, (_, i) => `c${i}: campaign(id: "x") { id }`).join(' ')} }`);
      expect(costly.status).toBe(400);
      expect(costly.body.errors?.map((e) => e.message).join(' ')).toMatch(/Query Cost limit of 10 exceeded/);
      expect(tight.emulator.callCount()).toBe(0);
    } finally {
      await tight.close();
    }
  });
});

describe('HTTP-level limits', () => {
  it('refuses a batched request (an array of operations)', async () => {
    const res = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { query: 'mutation { startCampaign(id: "demo-spring-renewals") { __typename } }' },
        { query: 'mutation { startCampaign(id: "demo-payment-followup") { __typename } }' },
      ]),
    });
    expect(res.status).toBe(400);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('does not take automatic persisted queries: every request carries its full text', async () => {
    const res = await h.graphql('', undefined, {});
    expect(res.status).toBe(400);
    const apq = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    });
    const body = (await apq.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413 before reading it all', async () => {
    const small = await startHarness({ maxAttempts: 1, env: { BODY_LIMIT_BYTES: '2048' } });
    try {
      const res = await fetch(small.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation { ${fanOut(10)} }` }),
      });
      expect(res.status).toBe(413);
      expect(small.emulator.callCount()).toBe(0);
    } finally {
      await small.close();
    }
  });
});

describe('production', () => {
  it('hides field suggestions', async () => {
    const prod = await startHarness({ env: { NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'emulator' } });
    try {
      const res = await prod.graphql('{ campaing(id: "x") { id } }');
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
      const dev = await h.graphql('{ campaing(id: "x") { id } }');
      expect(dev.body.errors?.[0]?.message).toMatch(/Did you mean "campaign"/);
    } finally {
      await prod.close();
    }
  });
});
