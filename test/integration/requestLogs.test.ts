import { useHarness, type Harness } from '../helpers/gatewayHarness';

const START = 'mutation Start($id: ID!) { startCampaign(id: $id) { __typename } }';

const harness = useHarness({ maxAttempts: 1 });
let h: Harness;
beforeEach(() => {
  h = harness();
});

type Line = Record<string, unknown>;

/** The request's log line is written when its response closes, just after the client has the answer. */
async function requestLine(requestId: string): Promise<Line> {
  for (let waited = 0; waited < 2000; waited += 10) {
    const line = h.logs.find((l) => l.event === 'graphql.request' && l.requestId === requestId);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no graphql.request line for ${requestId}`);
}

describe('request logs', () => {
  it('puts the request id on every line of a request: the audit line, the error line and the request line', async () => {
    const from = h.logs.length;
    h.emulator.faults.failNext('StartCampaign', 1, { name: 'BrandNewException', status: 400 });
    const res = await h.graphql(START, { id: 'demo-spring-renewals' }, { 'x-request-id': 'logs-1' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    await requestLine('logs-1');
    const lines = h.logs.slice(from);
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['unexpected failure', 'campaign start attempt', 'graphql request']),
    );
    for (const line of lines) expect(line).toMatchObject({ requestId: 'logs-1' });
    expect(lines.find((l) => l.msg === 'unexpected failure')).toMatchObject({ level: 50, err: expect.anything() });
  });

  it('writes one line per GraphQL request with operation name, type, outcome, status and duration', async () => {
    await h.graphql(START, { id: 'demo-spring-renewals' }, { 'x-request-id': 'logs-2' });
    expect(await requestLine('logs-2')).toEqual({
      level: 30,
      time: expect.any(String),
      service: 'campaign-gateway',
      requestId: 'logs-2',
      event: 'graphql.request',
      operationName: 'Start',
      operationType: 'mutation',
      outcome: 'success',
      status: 200,
      durationMs: expect.any(Number),
      msg: 'graphql request',
    });
    expect(h.logs.filter((l) => l.requestId === 'logs-2' && l.event === 'graphql.request')).toHaveLength(1);
  });

  it('logs a request refused before Apollo, under the id it generated', async () => {
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    const requestId = res.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await requestLine(requestId)).toMatchObject({ outcome: 'rejected', status: 400, operationName: null, operationType: null });
  });

  it('names the error codes of a failed request', async () => {
    await h.graphql('query Invalid { noSuchField }', undefined, { 'x-request-id': 'logs-3' });
    expect(await requestLine('logs-3')).toMatchObject({
      outcome: 'rejected',
      status: 400,
      operationName: null,
      errorCodes: ['GRAPHQL_VALIDATION_FAILED'],
    });
  });

  it('logs a request whose caller hung up before the answer as aborted', async () => {
    h.emulator.faults.delay('StartCampaign', 300, 1);
    const abort = new AbortController();
    const sent = fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'logs-aborted' },
      body: JSON.stringify({ query: START, variables: { id: 'demo-spring-renewals' } }),
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 100);
    await expect(sent).rejects.toThrow();
    expect(await requestLine('logs-aborted')).toMatchObject({ outcome: 'aborted' });
    // The start itself went on, and its audit line still carries the request's id.
    while (!h.logs.some((l) => l.event === 'campaign.start' && l.requestId === 'logs-aborted')) {
      await new Promise((r) => setTimeout(r, 10));
    }
  });

  it('keeps concurrent requests apart', async () => {
    h.emulator.faults.delay('StartCampaign', 100, 2);
    const ids = ['demo-spring-renewals', 'demo-payment-followup'];
    const from = h.logs.length;
    await Promise.all(ids.map((id) => h.graphql(START, { id }, { 'x-request-id': `concurrent-${id}` })));
    for (const id of ids) {
      const audit = h.logs.slice(from).filter((l) => l.event === 'campaign.start' && l.campaignId === id);
      expect(audit.map((l) => l.requestId)).toEqual([`concurrent-${id}`]);
    }
  });
});
