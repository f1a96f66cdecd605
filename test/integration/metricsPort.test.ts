import type { AddressInfo } from 'node:net';
import { useHarness } from '../helpers/gatewayHarness';

/** /metrics on its own port (METRICS_PORT), unauthenticated, and labels no unauthenticated caller can fill. */

describe('METRICS_PORT', () => {
  const harness = useHarness({ env: { METRICS_PORT: '0' } });

  it('serves /metrics there, without a token, and no longer on the API port', async () => {
    const h = harness();
    const { port } = h.gateway.metricsServer!.address() as AddressInfo;
    expect(port).not.toBe(Number(new URL(h.url).port));
    await h.graphql('query Seen { __typename }');
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('operation_name="Seen"');
    expect((await fetch(h.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);
  });
});

describe('operation-name labels in jwt mode', () => {
  // Missing and malformed tokens are refused without the key set, so it is never fetched here.
  const harness = useHarness({ env: { AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json', AUTH_ISSUER: 'iss', AUTH_AUDIENCE: 'aud' } });

  it('are never filled by callers without a valid token, over POST or GET', async () => {
    const h = harness();
    for (let i = 0; i < 20; i++) {
      const name = `Unauthenticated${i}`;
      const post = await h.graphql(`query ${name} { __typename }`, undefined, i % 2 ? { authorization: 'Bearer not.a.jwt' } : {});
      expect(post.status).toBe(401);
      const get = await fetch(`${h.url}?query=${encodeURIComponent(`query ${name}Get { __typename }`)}`, { headers: { 'apollo-require-preflight': '1' } });
      expect(get.status).toBe(401);
    }
    const text = await h.scrapeMetrics();
    expect(text).not.toContain('Unauthenticated');
    expect(text).toMatch(/operation_name="\(unknown\)",operation_type="\(unknown\)",outcome="rejected"/);
  });
});
