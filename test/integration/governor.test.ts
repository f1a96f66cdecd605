import { useHarness, type Harness } from '../helpers/gatewayHarness';
import { parseSamples, valueOf } from '../helpers/prometheus';

// The governor on the real path: gateway, AWS SDK and emulator, one process. A tiny rate (one token
// every 100 s) makes "no token before the deadline" certain without timing anything.
const stop = (id: string) => `mutation { stopCampaign(id: "${id}") {
  __typename ... on CampaignError { code retryable requestId message } ... on StopCampaignSuccess { campaign { id } } } }`;

describe('the governor on a starved quota (burst 2, one token kept for actions)', () => {
  const harness = useHarness({
    maxAttempts: 1,
    env: { AWS_CALLS_PER_SECOND: '0.01', AWS_CALLS_BURST: '2', AWS_CALLS_RESERVE: '1', UPSTREAM_DEADLINE_MS: '2000' },
  });
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('sends a read while tokens above the reserve last, then refuses reads unsent (AWS_QUOTA_EXHAUSTED) and still serves a stop from the reserve', async () => {
    const read = '{ campaign(id: "demo-running-survey") { id state } }';
    const first = await h.graphql<{ campaign: { state: string } }>(read);
    expect(first.body.data?.campaign.state).toBe('RUNNING');

    const second = await h.graphql(read);
    // Reads are not shared here (nothing known to answer from): the refusal itself, with when to retry.
    expect(second.body.errors?.[0]).toMatchObject({ extensions: { code: 'AWS_QUOTA_EXHAUSTED', retryable: true, retryAfterMs: expect.any(Number) } });
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(1);

    const stopped = await h.graphql<{ stopCampaign: Record<string, unknown> }>(stop('demo-running-survey'));
    expect(stopped.body.data?.stopCampaign).toMatchObject({ __typename: 'StopCampaignSuccess' });

    // The reserve is spent: the next stop waits until its deadline, then is refused, unsent.
    const refused = await h.graphql<{ stopCampaign: Record<string, unknown> }>(stop('demo-paused-winback'));
    expect(refused.body.data?.stopCampaign).toMatchObject({ __typename: 'CampaignThrottlingError', code: 'THROTTLING', retryable: true, requestId: null });
    expect(String(refused.body.data?.stopCampaign.message)).toMatch(/^Not sent: the AWS call rate is spent/);
    expect(h.emulator.callCount('StopCampaign')).toBe(1);
    expect(h.emulator.store.get('demo-paused-winback')?.state).toBe('Paused');

    const samples = parseSamples(await h.scrapeMetrics());
    expect(valueOf(samples, 'campaign_gateway_aws_tokens_total', { priority: 'halt', outcome: 'refused' })).toBe(1);
    expect(valueOf(samples, 'campaign_gateway_aws_tokens_total', { priority: 'read', outcome: 'refused' })).toBe(1);
    // Refusals say nothing about AWS: the circuit stays closed.
    expect(valueOf(samples, 'campaign_gateway_upstream_circuit_open')).toBe(0);
  });
});

describe('the governor on a starved quota: what is read after an action, and by a router', () => {
  const harness = useHarness({
    maxAttempts: 1,
    env: { AWS_CALLS_PER_SECOND: '0.01', AWS_CALLS_BURST: '2', AWS_CALLS_RESERVE: '1', UPSTREAM_DEADLINE_MS: '300' },
  });
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('answers the payload reads of a stop, and _entities, held back with AWS_QUOTA_EXHAUSTED, never a masked error; the stop is audited as done', async () => {
    // The stop takes a token; the one left is the reserve, which reads may not take.
    await h.graphql('{ campaign(id: "demo-paused-winback") { state } }');
    const stopped = await h.graphql<{ stopCampaign: { __typename: string; campaign: { state: string | null; name: string | null } } }>(
      'mutation { stopCampaign(id: "demo-running-survey") { __typename ... on StopCampaignSuccess { campaign { state name } } } }',
    );
    expect(stopped.body.data?.stopCampaign).toEqual({ __typename: 'StopCampaignSuccess', campaign: { state: null, name: null } });
    const codes = (stopped.body.errors ?? []).map((e) => e.extensions?.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['AWS_QUOTA_EXHAUSTED']));
    expect(h.logs.filter((l) => l.event === 'campaign.stop')).toEqual([expect.objectContaining({ outcome: 'StopCampaignSuccess' })]);

    const entities = await h.graphql<{ _entities: unknown[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id state } } }',
      { r: [{ __typename: 'Campaign', id: 'demo-running-survey' }] },
    );
    expect(entities.body.errors?.map((e) => e.extensions?.code)).toEqual(['AWS_QUOTA_EXHAUSTED']);
  });
});

describe('the governor and the SDK retries', () => {
  const harness = useHarness({ maxAttempts: 3, retryDelayMs: 10 });
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('takes a token for each attempt, counts AWS throttles by operation and cuts the fleet rate', async () => {
    h.emulator.faults.failNext('StopCampaign', 1, { name: 'ThrottlingException' });
    const before = parseSamples(await h.scrapeMetrics());
    const granted = (s: typeof before) => valueOf(s, 'campaign_gateway_aws_tokens_total', { priority: 'halt', outcome: 'granted' }) ?? 0;
    const res = await h.graphql<{ stopCampaign: Record<string, unknown> }>(stop('demo-running-survey'));
    expect(res.body.data?.stopCampaign).toMatchObject({ __typename: 'StopCampaignSuccess' });
    const after = parseSamples(await h.scrapeMetrics());
    expect(granted(after) - granted(before)).toBe(2);
    expect(valueOf(after, 'campaign_gateway_aws_throttles_total', { operation: 'StopCampaign' })).toBe(1);
    expect(valueOf(after, 'campaign_gateway_aws_fleet_rate')).toBeLessThan(100_000);
  });
});

describe('the emulator throttles the account like AWS', () => {
  const harness = useHarness({ maxAttempts: 1, emulatorThrottle: { callsPerSecond: 0.01, burst: 2 } });
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('answers 429 ThrottlingException on the wire past its burst, counts it, and is set through the control API', async () => {
    const call = () => fetch(`${h.emulator.url}/v2/campaigns/demo-running-survey/state`);
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const throttled = await call();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('x-amzn-errortype')).toMatch(/^ThrottlingException:/);
    expect(await throttled.json()).toEqual({ message: 'Rate exceeded' });
    const control = `${h.emulator.url}/__emulator/throttle`;
    expect(await (await fetch(control)).json()).toMatchObject({ limit: { callsPerSecond: 0.01, burst: 2 }, total: 1, throttled: { GetCampaignState: 1 } });

    // Through the gateway, the SDK sees AWS's throttling exception.
    const res = await h.graphql<{ stopCampaign: Record<string, unknown> }>(stop('demo-running-survey'));
    expect(res.body.data?.stopCampaign).toMatchObject({ __typename: 'CampaignThrottlingError', requestId: expect.any(String) });

    const off = await fetch(control, { method: 'POST', body: JSON.stringify({ off: true }) });
    expect(await off.json()).toMatchObject({ limit: null });
    expect((await call()).status).toBe(200);
    const bad = await fetch(control, { method: 'POST', body: JSON.stringify({ callsPerSecond: -1, burst: 5 }) });
    expect(bad.status).toBe(400);
    await fetch(control, { method: 'POST', body: JSON.stringify({ callsPerSecond: 0.01, burst: 2 }) });
  });
});
