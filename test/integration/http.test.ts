import { startHarness, type Harness } from '../helpers/gatewayHarness';

let h: Harness;
let base: string;
beforeAll(async () => {
  h = await startHarness({ maxAttempts: 1 });
  base = h.url.replace(/\/graphql$/, '');
});
afterAll(() => h.close());

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(h.url, { method: 'POST', headers, body });

describe('HTTP surface', () => {
  it('answers /healthz and /readyz with 200', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('serves Prometheus metrics with the contract names', async () => {
    await h.graphql('mutation { startCampaign(id: "demo-spring-renewals") { __typename } }');
    const res = await fetch(`${base}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/campaign_gateway_start_total\{outcome="StartCampaignSuccess"\} 1/);
    expect(text).toMatch(/campaign_gateway_upstream_duration_seconds_count\{operation="StartCampaign",outcome="success"\} 1/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('echoes x-request-id when sent and makes one when not', async () => {
    const sent = await post('{"query":"{ __typename }"}', { 'content-type': 'application/json', 'x-request-id': 'abc-123' });
    expect(sent.headers.get('x-request-id')).toBe('abc-123');
    const made = await post('{"query":"{ __typename }"}');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await post('{"query": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('refuses a body over 1 MiB with 413 and makes no AWS call', async () => {
    h.emulator.resetCalls();
    const query = `mutation { startCampaign(id: "demo-spring-renewals") { __typename } } #${'x'.repeat(1024 * 1024)}`;
    const res = await post(JSON.stringify({ query }));
    expect(res.status).toBe(413);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('refuses a mutation over GET', async () => {
    const q = encodeURIComponent('mutation { startCampaign(id: "demo-spring-renewals") { __typename } }');
    const res = await fetch(`${h.url}?query=${q}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(405);
  });

  it('serves queries over GET with a preflight header, and blocks them without one (CSRF prevention)', async () => {
    const q = encodeURIComponent('{ campaign(id: "demo-running-survey") { state } }');
    const ok = await fetch(`${h.url}?query=${q}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await ok.json()).toEqual({ data: { campaign: { state: 'RUNNING' } } });
    const blocked = await fetch(`${h.url}?query=${q}`);
    expect(blocked.status).toBe(400);
  });

  it('refuses a simple (CSRF-able) POST content type', async () => {
    const res = await post('{"query":"{ __typename }"}', { 'content-type': 'text/plain' });
    expect(res.status).toBe(400);
  });

  it('answers 404 for unknown paths', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('serves the offline explorer to browsers outside production, and Apollo Sandbox at ?sandbox', async () => {
    const res = await fetch(h.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/explorer/graphiql.min.js');
    const sandbox = await fetch(`${h.url}?sandbox`, { headers: { accept: 'text/html' } });
    expect(await sandbox.text()).toContain('embeddable-sandbox');
  });
});

describe('production mode', () => {
  let prod: Harness;
  beforeAll(async () => {
    prod = await startHarness({ env: { NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'emulator' } });
  });
  afterAll(() => prod.close());

  it('turns off introspection and the landing page', async () => {
    const res = await prod.graphql('{ __schema { types { name } } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const page = await fetch(prod.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('embeddable-sandbox');
  });

  it('shows no stack traces', async () => {
    prod.emulator.faults.failNext('StartCampaign', 1, { name: 'BrandNewException', status: 400 });
    const res = await prod.graphql('mutation { startCampaign(id: "demo-spring-renewals") { __typename } }');
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_ERROR' });
  });
});

describe('draining', () => {
  it('answers /readyz 503 during the shutdown delay, then still answers a slow start in flight', async () => {
    const d = await startHarness({ maxAttempts: 1, env: { SHUTDOWN_DELAY_MS: '300' } });
    const dBase = d.url.replace(/\/graphql$/, '');
    d.emulator.faults.delay('StartCampaign', 600);
    const inFlight = d.graphql<{ startCampaign: { __typename: string } }>(
      'mutation { startCampaign(id: "demo-spring-renewals") { __typename } }',
    );
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`${dBase}/readyz`)).status).toBe(200);
    const stopped = d.close();
    expect((await fetch(`${dBase}/readyz`)).status).toBe(503);
    expect((await fetch(`${dBase}/healthz`)).status).toBe(200);
    const result = await inFlight;
    expect(result.body.data?.startCampaign.__typename).toBe('StartCampaignSuccess');
    await stopped;
  });
});
