import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayConfigBase, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { useJWT, type JWTAuthContextExtension, type JWTAuthPluginOptions } from '@graphql-mesh/plugin-jwt-auth';
import * as httpTransport from '@graphql-mesh/transport-http';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { budgetsTypeDefs } from './budgetsSubgraph';
import { AUDIENCE, ISSUER, type JwksServer } from './jwks';

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

/** deploy/routers/hive-gateway.config.cjs: the configuration docs/federation.md gives for the `hive-gateway` CLI. */
const HIVE_CONFIG_FILE = join(__dirname, '..', '..', 'deploy', 'routers', 'hive-gateway.config.cjs');

/** What that file's `hiveGatewayConfig(...)` returns: CLI options, of which `jwt` is the JWT plugin's. */
type HiveReferenceConfig = Pick<GatewayConfigBase<JWTAuthContextExtension>, 'genericAuth' | 'propagateHeaders' | 'upstreamTimeout'> & {
  jwt: JWTAuthPluginOptions;
};

/**
 * Loads the reference config. It requires `@graphql-hive/gateway` (the CLI package, not installed
 * here): the calling test file provides it with `jest.mock(..., { virtual: true })`.
 */
function loadHiveReferenceConfig(): { hiveGatewayConfig(idp: { jwksUrl: string; issuer: string; audience: string }): HiveReferenceConfig } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(HIVE_CONFIG_FILE) as ReturnType<typeof loadHiveReferenceConfig>;
}

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
 * Hive Gateway's runtime, in this process, over HTTP on loopback, configured by the reference
 * config (as the CLI would: its `jwt` options become the JWT plugin) for the loopback identity
 * provider: bearer JWTs verified against the JWKS, a missing token let through so that the
 * directives decide per field, the federation auth directives enforced by genericAuth, and the
 * headers the subgraph needs forwarded.
 */
export async function startHiveGateway({ supergraphSdl, jwks, enforceAuthDirectives = true }: HiveGatewayOptions): Promise<HiveGateway> {
  const { jwt, genericAuth, ...rest } = loadHiveReferenceConfig().hiveGatewayConfig({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE });
  const runtime = createGatewayRuntime<JWTAuthContextExtension>({
    ...rest,
    ...(enforceAuthDirectives ? { genericAuth } : {}),
    supergraph: supergraphSdl,
    // Given, not loaded by the runtime's dynamic import (which Jest's CommonJS modules cannot do).
    transports: { http: httpTransport },
    logging: process.env.HIVE_LOG ? 'debug' : false,
    plugins: () => [useJWT(jwt) as GatewayPlugin],
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
