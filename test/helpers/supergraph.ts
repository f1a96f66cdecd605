import type { IncomingHttpHeaders } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { startBudgetsSubgraph, type BudgetsSubgraph } from './budgetsSubgraph';
import { startHarness, type Harness } from './gatewayHarness';

/** What a router must pass on to the campaigns subgraph (docs/federation.md). */
export const FORWARDED_HEADERS = ['authorization', 'x-request-id'] as const;

interface GatewayContext {
  headers: IncomingHttpHeaders;
}

export interface Supergraph {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real @apollo/gateway over HTTP on loopback. It composes the subgraphs itself from their
 * `_service { sdl }` (IntrospectAndCompose) and forwards the headers the campaigns subgraph needs.
 */
export async function startSupergraph(subgraphs: Array<{ name: string; url: string }>): Promise<Supergraph> {
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({ subgraphs }),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        willSendRequest({ request, context }) {
          for (const name of FORWARDED_HEADERS) {
            const value = context.headers?.[name];
            if (typeof value === 'string') request.http?.headers.set(name, value);
          }
        },
      }),
  });
  const server = new ApolloServer<GatewayContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ headers: req.headers }),
  });
  return { url, stop: () => server.stop() };
}

export interface Federation {
  /** Our subgraph and the emulator behind it. */
  campaigns: Harness;
  budgets: BudgetsSubgraph;
  supergraph: Supergraph;
  /** The seeded campaigns' ids, in list order. */
  campaignIds: string[];
  close(): Promise<void>;
}

/**
 * Our subgraph (on the emulator), the budgets subgraph and a gateway over both, all on loopback.
 * The first 30 listed campaigns have budgets (1000, 1001, ... cents), and so has `deleted-campaign`,
 * which AWS does not know.
 */
export async function startFederation(): Promise<Federation> {
  // @apollo/gateway refuses supergraphs with security features (@authenticated, @requiresScopes).
  const campaigns = await startHarness({ maxAttempts: 1, env: { SCHEMA_AUTH_DIRECTIVES: 'off' } });
  const campaignIds = campaigns.emulator.store.list().map((c) => c.id);
  const budgets = await startBudgetsSubgraph([
    ...campaignIds.slice(0, 30).map((id, i): [string, number] => [id, 1000 + i]),
    ['deleted-campaign', 5],
  ]);
  const supergraph = await startSupergraph([
    { name: 'campaigns', url: campaigns.url },
    { name: 'budgets', url: budgets.url },
  ]);
  return {
    campaigns,
    budgets,
    supergraph,
    campaignIds,
    async close() {
      await supergraph.stop();
      await budgets.stop();
      await campaigns.close();
    },
  };
}
