import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createRemoteJwksSigningKeyProvider, useJWT, type JWTAuthContextExtension } from '@graphql-mesh/plugin-jwt-auth';
import * as httpTransport from '@graphql-mesh/transport-http';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { budgetsTypeDefs } from './budgetsSubgraph';
import { AUDIENCE, ISSUER, type JwksServer } from './jwks';
import { FORWARDED_HEADERS } from './supergraph';

export interface SubgraphEndpoint {
  name: string;
  url: string;
  typeDefs: string;
}

/** A supergraph composed by The Guild's composition library (what Hive's registry and CLI use). */
export function composeWithGuild(subgraphs: SubgraphEndpoint[]): string {
  const result = composeServices(subgraphs.map(({ name, url, typeDefs }) => ({ name, url, typeDefs: parse(typeDefs) })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  return result.supergraphSdl;
}

/** The budgets subgraph's SDL as a string, for composing beside ours. */
export const budgetsSdl = (): string => budgetsTypeDefs().loc!.source.body;

export interface HiveGatewayOptions {
  supergraphSdl: string;
  /** The identity provider whose tokens the gateway verifies (the same one the subgraph trusts). */
  jwks: JwksServer;
  /**
   * Whether the gateway enforces @authenticated / @requiresScopes itself (genericAuth,
   * protect-granular). Off: tokens are still verified and forwarded, and the subgraph decides.
   */
  enforceAuthDirectives?: boolean;
}

export interface HiveGateway {
  url: string;
  stop(): Promise<void>;
}

/**
 * Hive Gateway's runtime, in this process, over HTTP on loopback: bearer JWTs verified against
 * the JWKS (a missing token is let through, so that the directives decide per field), the
 * federation auth directives enforced by genericAuth, and the headers the subgraph needs forwarded.
 */
export async function startHiveGateway({ supergraphSdl, jwks, enforceAuthDirectives = true }: HiveGatewayOptions): Promise<HiveGateway> {
  const runtime = createGatewayRuntime<JWTAuthContextExtension>({
    supergraph: supergraphSdl,
    // Given, not loaded by the runtime's dynamic import (which Jest's CommonJS modules cannot do).
    transports: { http: httpTransport },
    logging: process.env.HIVE_LOG ? 'debug' : false,
    plugins: () => [
      useJWT({
        signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri: jwks.url })],
        tokenVerification: { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256', 'ES256'] },
        reject: { missingToken: false, invalidToken: true },
        // The subgraph verifies the forwarded bearer token itself; no claims in extensions.
        forward: { payload: false, token: false },
      }) as GatewayPlugin,
    ],
    ...(enforceAuthDirectives
      ? {
          genericAuth: {
            mode: 'protect-granular' as const,
            resolveUserFn: (context) => context.jwt?.payload ?? null,
          },
        }
      : {}),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => Object.fromEntries(FORWARDED_HEADERS.map((name) => [name, request.headers.get(name)])),
    },
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${runtime.graphqlEndpoint}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await runtime.dispose();
    },
  };
}
