import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import gql from 'graphql-tag';

/**
 * Another team's subgraph, as a supergraph would hold one: it hangs `budget` on our `Campaign`,
 * points back at campaigns by id, and uses the generic names (`Error`, `ValidationError`,
 * `NotFoundError`, its own `PageInfo`) that our prefixed types must not collide with.
 */
export const budgetsTypeDefs = (pageInfoShareable = true) => gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])

  type Campaign @key(fields: "id") {
    id: ID!
    budget: Budget
  }

  type Budget {
    campaign: Campaign!
    amountCents: Int!
    currency: String!
  }

  type PageInfo ${pageInfoShareable ? '@shareable' : ''} {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type BudgetConnection {
    nodes: [Budget!]!
    pageInfo: PageInfo!
  }

  interface Error {
    message: String!
  }
  type ValidationError implements Error {
    message: String!
    field: String
  }
  type NotFoundError implements Error {
    message: String!
    id: ID!
  }
  union SetBudgetResult = Budget | ValidationError | NotFoundError

  type Query {
    budgets: BudgetConnection!
  }
  type Mutation {
    setBudget(campaignId: ID!, amountCents: Int!): SetBudgetResult!
  }
`;

export interface BudgetsSubgraph {
  url: string;
  /** Budget amounts in cents, by campaign id; edit freely between requests. */
  budgets: Map<string, number>;
  stop(): Promise<void>;
}

export async function startBudgetsSubgraph(initial: Iterable<[string, number]> = []): Promise<BudgetsSubgraph> {
  const budgets = new Map(initial);
  const budgetOf = (id: string) => {
    const amountCents = budgets.get(id);
    return amountCents === undefined ? null : { campaign: { id }, amountCents, currency: 'USD' };
  };
  const resolvers = {
    Campaign: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      budget: ({ id }: { id: string }) => budgetOf(id),
    },
    Query: {
      budgets: () => ({
        nodes: [...budgets.keys()].map(budgetOf),
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      }),
    },
    Mutation: {
      setBudget: (_: unknown, { campaignId, amountCents }: { campaignId: string; amountCents: number }) => {
        if (amountCents < 0) return { __typename: 'ValidationError', message: 'amountCents must not be negative', field: 'amountCents' };
        if (!budgets.has(campaignId)) return { __typename: 'NotFoundError', message: `no budget for ${campaignId}`, id: campaignId };
        budgets.set(campaignId, amountCents);
        return { __typename: 'Budget', ...budgetOf(campaignId) };
      },
    },
  };
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: budgetsTypeDefs(), resolvers: resolvers as GraphQLResolverMap<unknown> }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, budgets, stop: () => server.stop() };
}
