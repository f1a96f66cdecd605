import { CircuitState } from 'cockatiel';
import { CampaignService } from '../../src/campaigns/campaignService';
import { Deadline } from '../../src/aws/deadline';
import { startHarness, useHarness, type Harness } from '../helpers/gatewayHarness';

const START = /* GraphQL */ `
  mutation Start($id: ID!) {
    startCampaign(id: $id) {
      __typename
      ... on CampaignError { code retryable requestId }
      ... on InvalidCampaignStateError { state }
    }
  }
`;
const READ = 'query Read($id: ID!) { campaign(id: $id) { id state } }';
const ID = 'demo-spring-renewals';

interface StartData {
  startCampaign: { __typename: string; code?: string; retryable?: boolean; requestId?: string | null; state?: string } | null;
}

/** Faults need the SDK's real retry loop: 3 attempts, as by default, with a 10 ms back-off instead of ~1 s. */
const FAULT_ENV = { UPSTREAM_REQUEST_TIMEOUT_MS: '300', UPSTREAM_DEADLINE_MS: '3000', UPSTREAM_BREAKER_FAILURES: '1000' };
const harness = useHarness({ maxAttempts: 3, retryDelayMs: 10, env: FAULT_ENV });
let h: Harness;
beforeEach(() => {
  h = harness();
});

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function start(target: Harness = h, id = ID, headers: Record<string, string> = {}) {
  const res = await target.graphql<StartData>(START, { id }, headers);
  expect(res.status).toBe(200);
  return res.body;
}

const codeOf = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => body.errors?.[0]?.extensions?.code;

describe('throttling and AWS 500s: bounded retries, typed answers', () => {
  it('rides out a short throttling burst within AWS_MAX_ATTEMPTS', async () => {
    h.emulator.faults.failNext('StartCampaign', 2, { name: 'ThrottlingException' });
    const body = await start();
    expect(body.data?.startCampaign?.__typename).toBe('StartCampaignSuccess');
    expect(h.emulator.callCount('StartCampaign')).toBe(3);
  });

  it('answers a longer burst with CampaignThrottlingError (retryable) after exactly 3 attempts', async () => {
    h.emulator.faults.failNext('StartCampaign', 10, { name: 'ThrottlingException', message: 'Rate exceeded' });
    const body = await start();
    expect(body.data?.startCampaign).toMatchObject({ __typename: 'CampaignThrottlingError', code: 'THROTTLING', retryable: true });
    expect(h.emulator.callCount('StartCampaign')).toBe(3);
  });

  it('answers repeated InternalServerException with CampaignInternalServerError after 3 attempts', async () => {
    h.emulator.faults.failNext('StartCampaign', 10, { name: 'InternalServerException' });
    const body = await start();
    expect(body.data?.startCampaign).toMatchObject({ __typename: 'CampaignInternalServerError', retryable: true });
    expect(h.emulator.callCount('StartCampaign')).toBe(3);
  });

  it('answers an undocumented 503 with UPSTREAM_ERROR after 3 attempts', async () => {
    h.emulator.faults.failNext('StartCampaign', 10, { name: 'ServiceUnavailableException', status: 503 });
    const body = await start();
    expect(body.data).toEqual({ startCampaign: null });
    expect(codeOf(body)).toBe('UPSTREAM_ERROR');
    expect(h.emulator.callCount('StartCampaign')).toBe(3);
  });
});

describe('no answer: a start that may have happened is never reported as failed', () => {
  it('answers OUTCOME_UNKNOWN when every attempt times out (latency past the per-attempt timeout), in bounded time', async () => {
    h.emulator.faults.delay('StartCampaign', 2000);
    const { value: body, ms } = await timed(() => start(h, ID, { 'x-request-id': 'slow-start' }));
    expect(body.data).toEqual({ startCampaign: null });
    expect(codeOf(body)).toBe('OUTCOME_UNKNOWN');
    expect(body.errors?.[0]?.message).toMatch(/Retrying is safe/);
    expect(h.emulator.callCount('StartCampaign')).toBe(3);
    expect(ms).toBeLessThan(5000);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ event: 'campaign.start', requestId: 'slow-start', outcome: 'error', errorCode: 'OUTCOME_UNKNOWN' }),
    );
  });

  it('answers OUTCOME_UNKNOWN when every attempt is cut off (connection reset)', async () => {
    h.emulator.faults.dropNext('StartCampaign', 5);
    const body = await start();
    expect(codeOf(body)).toBe('OUTCOME_UNKNOWN');
    expect(h.emulator.callCount('StartCampaign')).toBe(3);
  });

  it('believes a retry that succeeds after a reset: the first attempt cannot have started it', async () => {
    h.emulator.faults.dropNext('StartCampaign', 1);
    const body = await start();
    expect(body.data?.startCampaign?.__typename).toBe('StartCampaignSuccess');
    expect(h.emulator.callCount('StartCampaign')).toBe(2);
  });

  it('does not pass on "already running" from a retry after a timed-out attempt AWS had accepted', async () => {
    // The first attempt hangs past the timeout; meanwhile "AWS" starts the campaign, as it would
    // have if that attempt had got through. The SDK's retry then hears InvalidCampaignState(Running).
    h.emulator.faults.delay('StartCampaign', 2000, 1);
    setTimeout(() => h.emulator.store.put({ id: ID, state: 'Running' }), 100);
    const body = await start();
    expect(body.data).toEqual({ startCampaign: null });
    expect(codeOf(body)).toBe('OUTCOME_UNKNOWN');
    expect(h.emulator.callCount('StartCampaign')).toBe(2);
    // What the message promises: a retry by the caller is safe and tells the state.
    const again = await start();
    expect(again.data?.startCampaign).toMatchObject({ __typename: 'InvalidCampaignStateError', state: 'RUNNING' });
  });

  it('does not pass on "throttled" from retries after a reset', async () => {
    h.emulator.faults.dropNext('StartCampaign', 1);
    h.emulator.faults.failNext('StartCampaign', 5, { name: 'ThrottlingException' });
    const body = await start();
    expect(codeOf(body)).toBe('OUTCOME_UNKNOWN');
    expect(h.emulator.callCount('StartCampaign')).toBe(3);
  });

  it('keeps the attempts of each call apart while calls overlap (one cached SDK handler serves them all)', async () => {
    const d = await startHarness({ maxAttempts: 1, env: FAULT_ENV });
    try {
      // Both starts are on the wire at once; the first to arrive is cut off, the other answered.
      d.emulator.faults.delay('StartCampaign', 100, 2);
      d.emulator.faults.dropNext('StartCampaign', 1);
      const bodies = await Promise.all([start(d, ID), start(d, 'demo-payment-followup')]);
      const outcomes = bodies.map((body) => body.data?.startCampaign?.__typename ?? codeOf(body)).sort();
      expect(outcomes).toEqual(['OUTCOME_UNKNOWN', 'StartCampaignSuccess']);
      expect(d.emulator.callCount('StartCampaign')).toBe(2);
    } finally {
      await d.close();
    }
  });

  it('answers a read that gets no answer with UPSTREAM_UNAVAILABLE: a read changes nothing', async () => {
    h.emulator.faults.dropNext('GetCampaignStateBatch', 5);
    const res = await h.graphql(READ, { id: ID });
    expect(codeOf(res.body)).toBe('UPSTREAM_UNAVAILABLE');
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(3);
  });
});

describe('the overall deadline (UPSTREAM_DEADLINE_MS)', () => {
  it('ends the AWS work of a request at the deadline, not at the per-attempt timeout', async () => {
    const d = await startHarness({
      maxAttempts: 3,
      retryDelayMs: 10,
      env: { UPSTREAM_REQUEST_TIMEOUT_MS: '10000', UPSTREAM_DEADLINE_MS: '1500' },
    });
    try {
      // Mutation fields run one after the other, and each start takes 1 s: a answers within the
      // deadline, b (sent at ~1 s) is still on the wire when it passes. (Arming a delay once a had
      // arrived raced with b on a busy machine.)
      d.emulator.faults.delay('StartCampaign', 1000, 2);
      const query = `mutation Two {
        a: startCampaign(id: "demo-spring-renewals") { __typename }
        b: startCampaign(id: "demo-payment-followup") { __typename }
      }`;
      const { value: res, ms } = await timed(() => d.graphql(query, {}, { 'x-request-id': 'deadline-two' }));
      // b was in flight at the deadline: unknown. startCampaign is nullable, so a keeps its success.
      expect(res.body.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([['b', 'OUTCOME_UNKNOWN']]);
      expect(res.body.data).toEqual({ a: { __typename: 'StartCampaignSuccess' }, b: null });
      expect(d.emulator.callCount('StartCampaign')).toBe(2);
      expect(ms).toBeLessThan(4000);
      // The audit trail still says a started.
      const audit = d.logs.filter((l) => l.event === 'campaign.start' && l.requestId === 'deadline-two');
      expect(audit.map((l) => [l.campaignId, l.outcome, l.errorCode])).toEqual([
        ['demo-spring-renewals', 'StartCampaignSuccess', undefined],
        ['demo-payment-followup', 'error', 'OUTCOME_UNKNOWN'],
      ]);
    } finally {
      await d.close();
    }
  });

  it('keeps the deadline on a request whose caller hung up: its start still ends by it, audited', async () => {
    const d = await startHarness({ maxAttempts: 1, env: { UPSTREAM_REQUEST_TIMEOUT_MS: '20000', UPSTREAM_DEADLINE_MS: '1500' } });
    try {
      d.emulator.faults.delay('StartCampaign', 6000, 1);
      const hangUp = new AbortController();
      const started = performance.now();
      const sent = fetch(d.url, {
        method: 'POST',
        signal: hangUp.signal,
        headers: { 'content-type': 'application/json', 'x-request-id': 'hung-up' },
        body: JSON.stringify({ query: 'mutation { startCampaign(id: "demo-spring-renewals") { __typename } }' }),
      });
      // Once the start is on the wire, as a router or browser giving up early would.
      while (d.emulator.callCount('StartCampaign') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      hangUp.abort();
      await sent.catch(() => undefined);
      const audited = () => d.logs.find((l) => l.event === 'campaign.start' && l.requestId === 'hung-up');
      while (!audited() && performance.now() - started < 8000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(audited()).toMatchObject({ outcome: 'error', errorCode: 'OUTCOME_UNKNOWN' });
      expect(performance.now() - started).toBeLessThan(1500 + 1000);
    } finally {
      await d.close();
    }
  });

  it('sends nothing once the deadline has passed', async () => {
    const late = new CampaignService(h.client.forRequest({ deadline: Deadline.passed() }));
    await expect(late.run('start', ID)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await expect(late.getStates([ID])).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(h.emulator.callCount()).toBe(0);
  });

  it('answers the last AWS answer when the deadline falls in a retry back-off', async () => {
    // The SDK's back-off timer itself runs out in the background (nothing is sent after it), so it
    // is kept short enough not to outlive the test file.
    const d = await startHarness({ maxAttempts: 3, retryDelayMs: 1500, env: { UPSTREAM_DEADLINE_MS: '300' } });
    try {
      d.emulator.faults.failNext('StartCampaign', 5, { name: 'ThrottlingException' });
      const { value: body, ms } = await timed(() => start(d));
      expect(body.data?.startCampaign).toMatchObject({ __typename: 'CampaignThrottlingError', retryable: true, requestId: expect.any(String) });
      expect(ms).toBeLessThan(1200);
      // Once the back-off is over, the retry is not sent: the deadline has passed.
      await new Promise((resolve) => setTimeout(resolve, 1500 - ms + 100));
      expect(d.emulator.callCount('StartCampaign')).toBe(1);
    } finally {
      await d.close();
    }
  });
});

describe('AWS down: fail fast behind a circuit breaker', () => {
  it('answers UPSTREAM_UNAVAILABLE (nothing sent) when AWS refuses connections, then opens and recovers', async () => {
    const d = await startHarness({
      maxAttempts: 3,
      retryDelayMs: 10,
      env: { UPSTREAM_BREAKER_FAILURES: '3', UPSTREAM_BREAKER_OPEN_MS: '400' },
    });
    const port = Number(new URL(d.emulator.url).port);
    try {
      await d.emulator.stop();
      for (let i = 0; i < 3; i++) {
        const body = await start(d);
        expect(codeOf(body)).toBe('UPSTREAM_UNAVAILABLE');
      }
      expect(d.breaker.state).toBe(CircuitState.Open);
      const metrics = await (await fetch(d.url.replace(/graphql$/, 'metrics'))).text();
      expect(metrics).toMatch(/campaign_gateway_upstream_circuit_open 1/);
      // Open: answered at once, without trying AWS.
      const { value: fast } = await timed(() => start(d));
      expect(codeOf(fast)).toBe('UPSTREAM_UNAVAILABLE');
      expect(d.logs).toContainEqual(expect.objectContaining({ event: 'upstream.circuit', state: 'open' }));

      await d.emulator.start(port, '127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 450));
      const recovered = await start(d);
      expect(recovered.data?.startCampaign?.__typename).toBe('StartCampaignSuccess');
      expect(d.breaker.state).toBe(CircuitState.Closed);
      expect(d.emulator.callCount('StartCampaign')).toBe(1);
    } finally {
      await d.close();
    }
  });

  it('stops sending to an AWS that hangs once the circuit opens', async () => {
    const d = await startHarness({
      maxAttempts: 1,
      env: { UPSTREAM_REQUEST_TIMEOUT_MS: '1000', UPSTREAM_BREAKER_FAILURES: '2', UPSTREAM_BREAKER_OPEN_MS: '60000' },
    });
    try {
      d.emulator.faults.delay('*', 3000);
      await d.graphql(READ, { id: ID });
      await d.graphql(READ, { id: ID });
      expect(d.breaker.state).toBe(CircuitState.Open);
      d.emulator.resetCalls();
      const { value: res, ms } = await timed(() => d.graphql(READ, { id: ID }));
      expect(codeOf(res.body)).toBe('UPSTREAM_UNAVAILABLE');
      const body = await start(d);
      expect(codeOf(body)).toBe('UPSTREAM_UNAVAILABLE');
      expect(d.emulator.callCount()).toBe(0);
      // Well under the 1 s each attempt would otherwise wait.
      expect(ms).toBeLessThan(500);
    } finally {
      await d.close();
    }
  });

  it('is not opened by throttling or 500s: AWS answered', async () => {
    const d = await startHarness({ maxAttempts: 1, env: { UPSTREAM_BREAKER_FAILURES: '2' } });
    try {
      d.emulator.faults.failNext('StartCampaign', 4, { name: 'ThrottlingException' });
      d.emulator.faults.failNext('StartCampaign', 4, { name: 'InternalServerException' });
      for (let i = 0; i < 8; i++) await start(d);
      expect(d.breaker.state).toBe(CircuitState.Closed);
      expect(d.emulator.callCount('StartCampaign')).toBe(8);
    } finally {
      await d.close();
    }
  });
});
