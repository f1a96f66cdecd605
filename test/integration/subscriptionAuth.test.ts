import { useHarness } from '../helpers/gatewayHarness';
import { jwtEnv, makeKey, signToken, startJwksServer, type JwksServer, type SigningKey } from '../helpers/jwks';
import { SUBSCRIPTION, subscribeSse, subscribeWs, type Subscriber } from '../helpers/subscribers';

let key: SigningKey;
let jwks: JwksServer;
const RUNNING = 'demo-running-survey';

// The harness reads its environment when it starts, after this file's beforeAll.
const env: Record<string, string> = {};
beforeAll(async () => {
  key = await makeKey('subscription-key');
  jwks = await startJwksServer([key]);
  Object.assign(env, jwtEnv(jwks));
});
afterAll(() => jwks?.close());
const harness = useHarness({ maxAttempts: 1, env });

let open: Subscriber[] = [];
afterEach(() => {
  for (const s of open) s.dispose();
  open = [];
});
const track = (s: Subscriber) => (open.push(s), s);

describe('subscriptions in jwt mode', () => {
  it('over WebSocket: no token or a bad token closes the connection with 4401, before anything is polled', async () => {
    const h = harness();
    const none = track(subscribeWs(h.url, [RUNNING]));
    const bad = track(subscribeWs(h.url, [RUNNING], { authorization: 'Bearer not.a.token' }));
    const otherIssuer = track(subscribeWs(h.url, [RUNNING], { authorization: `Bearer ${await signToken(key, { issuer: 'https://elsewhere.example/' })}` }));
    expect(await Promise.all([none.ended, bad.ended, otherIssuer.ended])).toEqual([4401, 4401, 4401]);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('over SSE: no token or a bad token is answered 401 UNAUTHENTICATED', async () => {
    const h = harness();
    for (const headers of [{}, { authorization: 'Bearer not.a.token' }] as Array<Record<string, string>>) {
      const res = await fetch(h.url, {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: SUBSCRIPTION, variables: { ids: [RUNNING] } }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })] });
    }
    expect(h.emulator.callCount()).toBe(0);
  });

  it.each([
    ['WebSocket', subscribeWs],
    ['SSE', subscribeSse],
  ])('over %s: a token without any scope may watch, as it may query', async (_name, subscribe) => {
    const h = harness();
    const token = await signToken(key, { claims: { scope: 'openid' } });
    const s = track(subscribe(h.url, [RUNNING], { authorization: `Bearer ${token}` }));
    await s.waitFor((events) => events.some((e) => e.id === RUNNING && e.state === 'RUNNING'), 5000, 'the first state');
    // ...and is refused an action it has no scope for, as over HTTP.
    const stop = await h.graphql(`mutation { stopCampaign(id: "${RUNNING}") { __typename } }`, {}, { authorization: `Bearer ${token}` });
    expect(stop.body.data).toEqual({ stopCampaign: { __typename: 'CampaignAccessDeniedError' } });
  });

  it('a token that expires mid-subscription ends it: WebSocket close 4401, SSE an UNAUTHENTICATED error then the end', async () => {
    const h = harness();
    const token = await signToken(key, { expiresIn: 3 });
    const ws = track(subscribeWs(h.url, [RUNNING], { authorization: `Bearer ${token}` }));
    const sse = track(subscribeSse(h.url, [RUNNING], { authorization: `Bearer ${token}` }));
    await Promise.all([ws, sse].map((s) => s.waitFor((events) => events.length > 0, 5000, 'the first state')));
    expect(await ws.ended).toBe(4401);
    expect(await sse.ended).toBe('complete');
    expect(sse.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/expired/), extensions: { code: 'UNAUTHENTICATED' } })]);
  });
});
