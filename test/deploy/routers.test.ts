import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config';
import { FORWARDED_HEADERS } from '../helpers/supergraph';

// The Hive Gateway CLI package is not a dependency here: the reference config is loaded with
// stand-ins for its helpers, which record what they were given.
jest.mock(
  '@graphql-hive/gateway',
  () => ({
    defineConfig: (config: unknown) => config,
    extractFromHeader: (options: unknown) => ({ extractFromHeader: options }),
    createRemoteJwksSigningKeyProvider: (options: unknown) => ({ remoteJwks: options }),
  }),
  { virtual: true },
);

const DIR = join(__dirname, '..', '..', 'deploy', 'routers');
const configMap = parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'kubernetes', 'configmap.yaml'), 'utf8')) as { data: Record<string, string> };
/** The subgraph's request deadline: its default, and as the Kubernetes manifests set it. */
const deadlineMs = Math.max(loadConfig({}).upstream.deadlineMs, loadConfig({ UPSTREAM_DEADLINE_MS: configMap.data.UPSTREAM_DEADLINE_MS }).upstream.deadlineMs);

/** "15s", "1m" (Apollo Router durations) in milliseconds. */
function ms(duration: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!match) throw new Error(`unhandled duration ${duration}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

interface ApolloRouterConfig {
  authentication: { router: { jwt: { jwks: Array<{ url: string; issuers: string[]; audiences: string[] }> } } };
  authorization: { require_authentication: boolean; directives: { enabled: boolean } };
  headers: { subgraphs: { campaigns: { request: Array<{ propagate: { named: string } }> } } };
  traffic_shaping: { router: { timeout: string }; subgraphs: { campaigns: { timeout: string } } };
  subscription: { enabled: boolean; mode: { passthrough: { subgraphs: { campaigns: { path: string; protocol: string } } } } };
}

describe('deploy/routers/apollo-router.yaml (GraphOS Router)', () => {
  const config = parse(readFileSync(join(DIR, 'apollo-router.yaml'), 'utf8')) as ApolloRouterConfig;

  it('forwards authorization and x-request-id to the campaigns subgraph', () => {
    expect(config.headers.subgraphs.campaigns.request.map((rule) => rule.propagate.named)).toEqual([...FORWARDED_HEADERS]);
  });

  it('verifies JWTs and enforces the auth directives', () => {
    expect(config.authentication.router.jwt.jwks).toEqual([expect.objectContaining({ issuers: [expect.any(String)], audiences: [expect.any(String)] })]);
    expect(config.authorization.directives.enabled).toBe(true);
  });

  it('passes subscriptions through to the subgraph over graphql_ws at /graphql', () => {
    expect(config.subscription.enabled).toBe(true);
    expect(config.subscription.mode.passthrough.subgraphs.campaigns).toEqual(expect.objectContaining({ path: '/graphql', protocol: 'graphql_ws' }));
  });

  it('waits on the subgraph longer than its UPSTREAM_DEADLINE_MS, and on the whole request longer still', () => {
    const subgraph = ms(config.traffic_shaping.subgraphs.campaigns.timeout);
    expect(subgraph).toBeGreaterThan(deadlineMs);
    expect(ms(config.traffic_shaping.router.timeout)).toBeGreaterThan(subgraph);
  });
});

describe('deploy/routers/hive-gateway.config.cjs (Hive Gateway)', () => {
  interface HiveConfig {
    jwt: { tokenLookupLocations: unknown[]; signingKeyProviders: unknown[]; tokenVerification: Record<string, unknown>; reject: Record<string, boolean> };
    genericAuth: { mode: string; resolveUserFn(context: unknown): unknown; extractScopes(user: unknown): string[] };
    propagateHeaders: { fromClientToSubgraphs(payload: { request: Request; subgraphName: string }): Record<string, string | null> | undefined };
    upstreamTimeout: number;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { gatewayConfig: config } = require(join(DIR, 'hive-gateway.config.cjs')) as { gatewayConfig: HiveConfig };

  it('forwards authorization and x-request-id to the campaigns subgraph only', () => {
    const request = new Request('http://router.invalid/graphql', {
      headers: { authorization: 'Bearer abc', 'x-request-id': 'req-1', cookie: 'session=1' },
    });
    expect(config.propagateHeaders.fromClientToSubgraphs({ request, subgraphName: 'campaigns' })).toEqual({
      authorization: 'Bearer abc',
      'x-request-id': 'req-1',
      // For subscriptions over GET event streams, past the subgraph's CSRF prevention.
      'apollo-require-preflight': 'true',
    });
    expect(config.propagateHeaders.fromClientToSubgraphs({ request, subgraphName: 'budgets' })).toBeUndefined();
  });

  it('verifies JWTs and enforces the auth directives (genericAuth protect-granular), reading scopes as the subgraph does', () => {
    expect(config.jwt.tokenLookupLocations).toEqual([{ extractFromHeader: { name: 'authorization', prefix: 'Bearer' } }]);
    expect(config.jwt.tokenVerification).toEqual(expect.objectContaining({ issuer: expect.any(String), audience: expect.any(String) }));
    expect(config.jwt.reject).toEqual({ missingToken: false, invalidToken: true });
    expect(config.genericAuth.mode).toBe('protect-granular');
    expect(config.genericAuth.resolveUserFn({ jwt: { payload: { sub: 'alice' } } })).toEqual({ sub: 'alice' });
    expect(config.genericAuth.extractScopes({ scope: 'openid campaigns:start' })).toEqual(['openid', 'campaigns:start']);
    expect(config.genericAuth.extractScopes({ scp: ['campaigns:start'] })).toEqual(['campaigns:start']);
    expect(config.genericAuth.extractScopes({})).toEqual([]);
  });

  it('waits on subgraphs longer than the campaigns subgraph’s UPSTREAM_DEADLINE_MS', () => {
    expect(config.upstreamTimeout).toBeGreaterThan(deadlineMs);
  });
});
