import { useHarness } from '../helpers/gatewayHarness';
import { subscribeSse, subscribeWs, type Subscriber } from '../helpers/subscribers';

// Polls every 200 ms here, so that outside changes show quickly; the defaults are documented.
const harness = useHarness({ maxAttempts: 1, env: { LIVE_POLL_INTERVAL_MS: '200', LIVE_POLL_CALLS_PER_SECOND: '20', MAX_SUBSCRIPTION_IDS: '5', MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' } });

const RUNNING = 'demo-running-survey';
const INITIALIZED = 'demo-spring-renewals';
const PAUSED = 'demo-paused-winback';

let open: Subscriber[] = [];
afterEach(async () => {
  for (const s of open) s.dispose();
  open = [];
  // Their feeds end as the connections close.
  await new Promise((resolve) => setTimeout(resolve, 50));
});
function track(s: Subscriber): Subscriber {
  open.push(s);
  return s;
}

describe.each([
  ['WebSocket (graphql-ws)', subscribeWs],
  ['Server-Sent Events (graphql-sse)', subscribeSse],
])('campaignStateChanged over %s', (_name, subscribe) => {
  it('first pushes each campaign its current state, then each change, with stateAsOf', async () => {
    const h = harness();
    const s = track(subscribe(h.url, [RUNNING, INITIALIZED, PAUSED]));
    await s.waitFor((events) => events.length >= 3, 5000, 'first states');
    expect(new Map(s.events.map((e) => [e.id, [e.previousState, e.state]]))).toEqual(
      new Map([
        [RUNNING, [null, 'RUNNING']],
        [INITIALIZED, [null, 'INITIALIZED']],
        [PAUSED, [null, 'PAUSED']],
      ]),
    );
    for (const e of s.events) expect(Number.isNaN(Date.parse(e.stateAsOf))).toBe(false);

    // The gateway's own action is pushed at once.
    const start = await h.graphql(`mutation { startCampaign(id: "${INITIALIZED}") { __typename } }`);
    expect(start.body.data).toEqual({ startCampaign: { __typename: 'StartCampaignSuccess' } });
    await s.waitFor((events) => events.some((e) => e.id === INITIALIZED && e.state === 'RUNNING'), 2000, 'the start');
    // A change made outside the gateway is seen at the next poll.
    h.emulator.store.put({ id: PAUSED, state: 'Stopped' });
    await s.waitFor((events) => events.some((e) => e.id === PAUSED && e.state === 'STOPPED'), 3000, 'the outside stop');
    const paused = s.events.filter((e) => e.id === PAUSED);
    expect(paused.map((e) => [e.previousState, e.state])).toEqual([
      [null, 'PAUSED'],
      ['PAUSED', 'STOPPED'],
    ]);
  });

  it('refuses more ids than MAX_SUBSCRIPTION_IDS, or a malformed id, as a client error before any AWS call', async () => {
    const h = harness();
    const tooMany = track(subscribe(h.url, ['a', 'b', 'c', 'd', 'e', 'f']));
    await tooMany.waitFor(() => tooMany.errors.length > 0, 5000, 'an error');
    expect(tooMany.errors[0]).toMatchObject({ message: expect.stringMatching(/at most 5 campaigns/), extensions: { code: 'BAD_USER_INPUT' } });
    const malformed = track(subscribe(h.url, ['not a campaign id']));
    await malformed.waitFor(() => malformed.errors.length > 0, 5000, 'an error');
    expect(malformed.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.emulator.callCount()).toBe(0);
  });

  it('serves subscriptions only: a query over the stream is refused', async () => {
    const h = harness();
    const s = track(subscribe(h.url, [RUNNING], { query: '{ campaign(id: "demo-running-survey") { id } }' }));
    await s.waitFor(() => s.errors.length > 0, 5000, 'an error');
    expect(s.errors[0]?.message).toMatch(/Only subscriptions/);
  });
});

describe('one poll for every subscriber', () => {
  it('polls a campaign once per round whatever the number of subscribers', async () => {
    const h = harness();
    const subscribers = Array.from({ length: 20 }, (_, i) => track((i % 2 ? subscribeSse : subscribeWs)(h.url, [RUNNING, PAUSED])));
    await Promise.all(subscribers.map((s) => s.waitFor((events) => events.length >= 2, 5000, 'first states')));
    h.emulator.resetCalls();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // 200 ms rounds: about 5 calls in a second, one per round, never one per subscriber.
    const calls = h.emulator.callCount('GetCampaignStateBatch');
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(7);
    const metrics = await h.scrapeMetrics();
    expect(metrics).toMatch(/^campaign_gateway_subscriptions_open 20$/m);
    expect(metrics).toMatch(/^campaign_gateway_live_campaigns_watched 2$/m);
    expect(metrics).toMatch(/^campaign_gateway_live_polls_total\{outcome="success"\} \d+$/m);
    expect(metrics).toMatch(/^campaign_gateway_live_push_lag_seconds_count \d+$/m);
  });

  it('caps the subscriptions of one WebSocket connection (MAX_SUBSCRIPTIONS_PER_CONNECTION)', async () => {
    const { createClient } = await import('graphql-ws');
    const WebSocket = (await import('ws')).default;
    const h = harness();
    const client = createClient({ url: h.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const outcomes = await Promise.all(
        [0, 1, 2].map(
          (i) =>
            new Promise<unknown>((resolve) => {
              client.subscribe(
                { query: `subscription { campaignStateChanged(ids: ["${RUNNING}"]) { state } }` },
                { next: () => resolve(`sub ${i} ok`), error: (err) => resolve(err), complete: () => undefined },
              );
            }),
        ),
      );
      expect(outcomes.filter((o) => typeof o === 'string')).toHaveLength(2);
      expect(outcomes.find((o) => typeof o !== 'string')).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS' }) })]);
    } finally {
      await client.dispose();
    }
  });
});
