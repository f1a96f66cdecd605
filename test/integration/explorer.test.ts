import { EXAMPLE_OPERATIONS } from '../../src/http/explorer/exampleOperations';
import { startHarness, useHarness } from '../helpers/gatewayHarness';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the explorer outside production', () => {
  const harness = useHarness();

  it('answers a browser with GraphiQL, whose files the gateway serves itself', async () => {
    const res = await fetch(harness().url, { headers: BROWSER });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('explorer-config');
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((ref) => !ref.startsWith('data:'));
    expect(sources.length).toBeGreaterThanOrEqual(5);
    for (const source of sources) {
      expect(source).toMatch(/^\/explorer\//);
      const asset = await fetch(new URL(source, harness().url));
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/^text\/(javascript|css)/);
    }
  });

  it('serves Apollo Sandbox at /graphql?sandbox', async () => {
    const res = await fetch(`${harness().url}?sandbox`, { headers: BROWSER });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('embeddable-sandbox.cdn.apollographql.com');
  });

  it('keeps CSRF prevention on GraphQL GETs', async () => {
    const res = await fetch(`${harness().url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(res.status).toBe(400);
  });

  it('preloads operations that each succeed on the demo campaigns, in order', async () => {
    for (const { query, variables } of EXAMPLE_OPERATIONS) {
      const { status, body } = await harness().graphql(query, variables ? (JSON.parse(variables) as Record<string, unknown>) : undefined);
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const [payload] = Object.values(body.data!) as Array<{ __typename?: string; edges?: unknown[] }>;
      if (payload!.__typename !== undefined) expect(payload!.__typename).toMatch(/Success$/);
      else expect(payload!.edges!.length).toBeGreaterThan(0);
    }
  });
});

describe('the explorer in production', () => {
  it('is not served: no page, no files, no Sandbox', async () => {
    const harness = await startHarness({ env: { NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'emulator' } });
    try {
      const page = await fetch(harness.url, { headers: BROWSER });
      expect(page.headers.get('content-type')).not.toMatch(/text\/html/);
      expect((await fetch(`${harness.url}?sandbox`, { headers: BROWSER })).headers.get('content-type')).not.toMatch(/text\/html/);
      expect((await fetch(new URL('/explorer/graphiql.min.js', harness.url))).status).toBe(404);
    } finally {
      await harness.close();
    }
  });
});
