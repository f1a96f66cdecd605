import { startHarness, type Harness } from '../helpers/gatewayHarness';

/**
 * AWS (or anything between) sends the status line and headers at once, then the body a byte at a
 * time: the deadline and the per-attempt timeout cover the whole answer, not just its headers.
 * Timing-sensitive: bounds are the configured limits plus a second.
 */
const START = 'mutation Start($id: ID!) { startCampaign(id: $id) { __typename } }';
const READ = 'query Read($id: ID!) { campaign(id: $id) { id state } }';
const ID = 'demo-spring-renewals';
/** A body that would take a minute to arrive. */
const SLOW_BODY = { intervalMs: 600, padBytes: 100 };

const codeOf = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => body.errors?.[0]?.extensions?.code;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('an answer that drips past the request deadline', () => {
  const DEADLINE_MS = 1500;
  let h: Harness;
  beforeAll(async () => {
    // The per-attempt timeout is out of the way: only the deadline can end these calls.
    h = await startHarness({ maxAttempts: 3, retryDelayMs: 10, env: { UPSTREAM_DEADLINE_MS: String(DEADLINE_MS), UPSTREAM_REQUEST_TIMEOUT_MS: '60000' } });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.emulator.store.reset();
    h.emulator.faults.clear();
    h.emulator.resetCalls();
  });

  it('ends a read at the deadline: UPSTREAM_UNAVAILABLE within the deadline and a second', async () => {
    h.emulator.faults.dripNext('GetCampaignStateBatch', 5, SLOW_BODY);
    const { value: res, ms } = await timed(() => h.graphql(READ, { id: ID }));
    expect(codeOf(res.body)).toBe('UPSTREAM_UNAVAILABLE');
    expect(ms).toBeLessThan(DEADLINE_MS + 1000);
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(1);
  });

  it('ends a start AWS answered 200 to at the deadline: OUTCOME_UNKNOWN (never UPSTREAM_UNAVAILABLE), audited', async () => {
    h.emulator.faults.dripNext('StartCampaign', 5, SLOW_BODY);
    const { value: res, ms } = await timed(() => h.graphql(START, { id: ID }, { 'x-request-id': 'drip-start' }));
    expect(res.status).toBe(200);
    expect(codeOf(res.body)).toBe('OUTCOME_UNKNOWN');
    expect(ms).toBeLessThan(DEADLINE_MS + 1000);
    // It did happen: AWS had carried the start out before its answer began.
    expect(h.emulator.store.get(ID)?.state).toBe('Running');
    expect(h.logs).toContainEqual(
      expect.objectContaining({ event: 'campaign.start', requestId: 'drip-start', campaignId: ID, outcome: 'error', errorCode: 'OUTCOME_UNKNOWN' }),
    );
  });

  it('answers a drain (SIGTERM) during such a start: the deadline ends it, then the answer is written', async () => {
    const d = await startHarness({ maxAttempts: 1, env: { UPSTREAM_DEADLINE_MS: String(DEADLINE_MS), UPSTREAM_REQUEST_TIMEOUT_MS: '60000' } });
    try {
      d.emulator.faults.dripNext('StartCampaign', 1, SLOW_BODY);
      const answer = timed(() => d.graphql(START, { id: ID }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stopped = d.gateway.stop();
      const { value: res, ms } = await answer;
      expect(codeOf(res.body)).toBe('OUTCOME_UNKNOWN');
      expect(ms).toBeLessThan(DEADLINE_MS + 1000);
      await stopped;
    } finally {
      await d.close().catch(() => undefined);
    }
  });
});

describe('a body that stalls between bytes is cut by the per-attempt timeout', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ maxAttempts: 3, retryDelayMs: 10, env: { UPSTREAM_DEADLINE_MS: '20000', UPSTREAM_REQUEST_TIMEOUT_MS: '300' } });
  });
  afterAll(() => h.close());

  it('retries a read whose body does not complete in time, and says UPSTREAM_UNAVAILABLE after its attempts', async () => {
    h.emulator.faults.dripNext('GetCampaignStateBatch', 5, SLOW_BODY);
    const { value: res, ms } = await timed(() => h.graphql(READ, { id: ID }));
    expect(codeOf(res.body)).toBe('UPSTREAM_UNAVAILABLE');
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(3);
    expect(ms).toBeLessThan(3 * 300 + 1000);
  });

  it('says OUTCOME_UNKNOWN for a start whose answer never completed', async () => {
    h.emulator.faults.dripNext('StartCampaign', 5, SLOW_BODY);
    const { value: res, ms } = await timed(() => h.graphql(START, { id: 'demo-payment-followup' }));
    expect(codeOf(res.body)).toBe('OUTCOME_UNKNOWN');
    expect(ms).toBeLessThan(3 * 300 + 1000);
  });
});
