/**
 * The peer the gateway is also measured against: the Apollo subgraph someone would write in an
 * afternoon. `startStandaloneServer`, the gateway's own SDL (so the same `StartCampaignResult`
 * union), a default SDK client, and nothing else: no auth, limits, AWS budget, deadline, breaker,
 * audit line or metrics. NODE_ENV=production as for the gateway.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { ConnectCampaignsV2Client, StartCampaignCommand } from '@aws-sdk/client-connectcampaignsv2';
import { loadTypeDefs } from '../src/graphql/schema';

const client = new ConnectCampaignsV2Client({});

/** AWS exception → the union member and code the schema gives it. */
const ERRORS: Record<string, [string, string]> = {
  AccessDeniedException: ['CampaignAccessDeniedError', 'ACCESS_DENIED'],
  ConflictException: ['CampaignConflictError', 'CONFLICT'],
  InternalServerException: ['CampaignInternalServerError', 'INTERNAL_SERVER_ERROR'],
  InvalidCampaignStateException: ['InvalidCampaignStateError', 'INVALID_CAMPAIGN_STATE'],
  ResourceNotFoundException: ['CampaignNotFoundError', 'RESOURCE_NOT_FOUND'],
  ThrottlingException: ['CampaignThrottlingError', 'THROTTLING'],
  ValidationException: ['CampaignValidationError', 'VALIDATION'],
};

const server = new ApolloServer({
  schema: buildSubgraphSchema({
    typeDefs: loadTypeDefs(),
    resolvers: {
      Mutation: {
        async startCampaign(_: unknown, { id }: { id: string }) {
          try {
            await client.send(new StartCampaignCommand({ id }));
            return { __typename: 'StartCampaignSuccess', campaign: { id } };
          } catch (err) {
            const e = err as { name?: string; message?: string; $metadata?: { requestId?: string }; $retryable?: unknown };
            const known = ERRORS[e.name ?? ''];
            if (!known) throw err;
            return { __typename: known[0], code: known[1], message: e.message ?? '', retryable: Boolean(e.$retryable), requestId: e.$metadata?.requestId ?? null };
          }
        },
      },
    } as never,
  }),
});

startStandaloneServer(server, { listen: { port: Number(process.env['PORT'] ?? 4200), host: '127.0.0.1' } }).then(({ url }) => {
  process.stdout.write(`${JSON.stringify({ msg: 'plain Apollo listening', url })}\n`);
});
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
