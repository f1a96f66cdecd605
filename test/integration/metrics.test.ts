import { startHarness, type Harness } from '../helpers/gatewayHarness';
import { parseSamples, samplesOf, valueOf, type Sample } from '../helpers/prometheus';

const GET_STATE = 'query GetState($id: ID!) { campaign(id: $id) { state } }';
const START = 'mutation Start($id: ID!) { startCampaign(id: $id) { __typename } }';
const DURATION = 'campaign_gateway_graphql_request_duration_seconds';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxAttempts: 1 });
});
afterAll(() => h.close());

const post = (body: string) => fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('/metrics after known traffic', () => {
  let samples: Sample[];
  beforeAll(async () => {
    await h.graphql(GET_STATE, { id: 'demo-running-survey' });
    await h.graphql(GET_STATE, { id: 'demo-paused-winback' });
    await h.graphql('{ __typename }');
    await h.graphql(START, { id: 'demo-spring-renewals' }); // StartCampaignSuccess
    await h.graphql(START, { id: 'demo-spring-renewals' }); // InvalidCampaignStateError
    await h.graphql(START, { id: 'no-such-campaign' }); // CampaignNotFoundError
    h.emulator.faults.failNext('StartCampaign', 1, { name: 'BrandNewException', status: 400 });
    await h.graphql(START, { id: 'demo-payment-followup' }); // undocumented: top-level UPSTREAM_ERROR
    await h.graphql('query Invalid { noSuchField }'); // fails validation: its name is never a label
    await post('{"query": '); // malformed JSON, refused before Apollo
    await post(JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: 'Evil' }));
    samples = parseSamples(await h.scrapeMetrics());
  });

  it('times GraphQL requests by validated operation name, type and outcome', () => {
    const counts = samplesOf(samples, `${DURATION}_count`).map((s) => ({ ...s.labels, count: s.value }));
    expect(counts).toEqual(
      expect.arrayContaining([
        { operation_name: 'GetState', operation_type: 'query', outcome: 'success', count: 2 },
        { operation_name: '(anonymous)', operation_type: 'query', outcome: 'success', count: 1 },
        // Typed error payloads are successful GraphQL: their outcome is in campaign_gateway_start_total.
        { operation_name: 'Start', operation_type: 'mutation', outcome: 'success', count: 3 },
        { operation_name: 'Start', operation_type: 'mutation', outcome: 'error', count: 1 },
        // Invalid, malformed and unknown-operation requests share one series whatever they are named.
        { operation_name: '(unknown)', operation_type: '(unknown)', outcome: 'rejected', count: 3 },
      ]),
    );
    expect(counts).toHaveLength(5);
    for (const { labels, value } of samplesOf(samples, `${DURATION}_count`)) {
      expect(valueOf(samples, `${DURATION}_bucket`, { ...labels, le: '+Inf' })).toBe(value);
      expect(valueOf(samples, `${DURATION}_sum`, labels)).toBeGreaterThan(0);
    }
  });

  it('counts start attempts by payload type', () => {
    const starts = samplesOf(samples, 'campaign_gateway_start_total').map((s) => [s.labels.outcome, s.value]);
    expect(Object.fromEntries(starts)).toEqual({
      StartCampaignSuccess: 1,
      InvalidCampaignStateError: 1,
      CampaignNotFoundError: 1,
      error: 1,
    });
  });

  it('times AWS calls by operation and outcome', () => {
    const upstream = samplesOf(samples, 'campaign_gateway_upstream_duration_seconds_count').map((s) => ({ ...s.labels, count: s.value }));
    expect(upstream).toEqual(
      expect.arrayContaining([
        { operation: 'GetCampaignStateBatch', outcome: 'success', count: 2 },
        { operation: 'StartCampaign', outcome: 'success', count: 1 },
        { operation: 'StartCampaign', outcome: 'InvalidCampaignStateException', count: 1 },
        { operation: 'StartCampaign', outcome: 'ResourceNotFoundException', count: 1 },
        { operation: 'StartCampaign', outcome: 'error', count: 1 },
      ]),
    );
    expect(upstream).toHaveLength(5);
  });

  it('has nothing in flight once every answer is sent, and the default process metrics', () => {
    expect(valueOf(samples, 'campaign_gateway_graphql_requests_in_flight')).toBe(0);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('never labels anything with a campaign id', () => {
    const values = samples.flatMap((s) => Object.values(s.labels));
    for (const id of ['demo-running-survey', 'demo-spring-renewals', 'no-such-campaign']) expect(values).not.toContain(id);
  });
});

describe('requests in flight', () => {
  it('counts a GraphQL request until its answer is sent', async () => {
    h.emulator.faults.delay('StartCampaign', 400, 1);
    const before = h.emulator.callCount('StartCampaign');
    const slow = h.graphql(START, { id: 'demo-appointment-reminders' });
    while (h.emulator.callCount('StartCampaign') === before) await new Promise((r) => setTimeout(r, 5));
    expect(valueOf(parseSamples(await h.scrapeMetrics()), 'campaign_gateway_graphql_requests_in_flight')).toBe(1);
    await slow;
    expect(valueOf(parseSamples(await h.scrapeMetrics()), 'campaign_gateway_graphql_requests_in_flight')).toBe(0);
  });
});
