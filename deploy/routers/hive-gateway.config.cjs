// Hive Gateway (the `hive-gateway` CLI or its Docker image) in front of the campaigns subgraph:
//   hive-gateway supergraph supergraph.graphql --config-path hive-gateway.config.cjs
// with a supergraph composed by the Hive registry, `hive` CLI or @theguild/federation-composition.
// test/federation/hiveGateway.test.ts runs this very configuration, against a loopback identity provider.
const { createRemoteJwksSigningKeyProvider, defineConfig, extractFromHeader } = require('@graphql-hive/gateway');

/** Headers the campaigns subgraph needs from the caller's request. */
const FORWARDED_HEADERS = ['authorization', 'x-request-id'];

/** The gateway's configuration for an identity provider (the same one the subgraph's AUTH_* name). */
function hiveGatewayConfig({ jwksUrl, issuer, audience }) {
  return defineConfig({
    jwt: {
      tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })],
      signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri: jwksUrl })],
      tokenVerification: { issuer, audience, algorithms: ['RS256', 'ES256'] },
      // Without a token a request may still read public fields; @authenticated ones are refused below.
      reject: { missingToken: false, invalidToken: true },
      // The subgraph verifies the forwarded bearer token itself.
      forward: { payload: false },
    },
    // Enforces @authenticated and @requiresScopes from the supergraph.
    genericAuth: {
      mode: 'protect-granular',
      resolveUserFn: (context) => context.jwt?.payload,
      // Scopes as the subgraph reads them: the `scope` string, or an `scp` array.
      extractScopes: (user) => {
        if (typeof user?.scope === 'string') return user.scope.split(' ');
        return Array.isArray(user?.scp) ? user.scp : [];
      },
    },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) =>
        subgraphName === 'campaigns'
          ? {
              ...Object.fromEntries(FORWARDED_HEADERS.map((name) => [name, request.headers.get(name)])),
              // Subscriptions reach the subgraph as GET event streams (GraphQL over SSE), which the
              // subgraph's CSRF prevention lets through only with this header.
              'apollo-require-preflight': 'true',
            }
          : undefined,
    },
    // Above the subgraph's UPSTREAM_DEADLINE_MS (10 s).
    upstreamTimeout: 15_000,
  });
}

module.exports = {
  hiveGatewayConfig,
  gatewayConfig: hiveGatewayConfig({
    jwksUrl: 'https://id.example.com/.well-known/jwks.json',
    issuer: 'https://id.example.com/',
    audience: 'campaign-gateway',
  }),
};
