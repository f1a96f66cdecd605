/**
 * What one start costs layer by layer, in one process, with no network and nothing else running
 * in it: Apollo Server's pipeline for the start mutation (the gateway's real schema, plugins and
 * limits, with a campaign service that answers at once), and one StartCampaign through the AWS
 * SDK with a canned HTTP answer, with a default client and with the gateway's. Requests run one
 * after another; CPU time (process.cpuUsage, all threads) per request, median of alternating runs.
 * Both SDK clients read the same standard AWS environment as the gateway and the baseline do.
 *
 * Run by `npm run bench` in a process of its own; prints its result as one JSON line.
 */
import { Readable } from 'node:stream';
import { HeaderMap } from '@apollo/server';
import { ConnectCampaignsV2Client, StartCampaignCommand } from '@aws-sdk/client-connectcampaignsv2';
import { createCampaignsClient } from '../src/aws/campaignsClient';
import { createGovernor } from '../src/aws/governor';
import { createUpstreamBreaker } from '../src/aws/circuitBreaker';
import type { CampaignLoaders } from '../src/campaigns/campaignLoaders';
import type { CampaignService } from '../src/campaigns/campaignService';
import { CampaignCursors } from '../src/campaigns/campaignCursor';
import { loadConfig } from '../src/config';
import { createApolloServer } from '../src/graphql/apolloServer';
import type { ContextValue } from '../src/graphql/context';
import { createLogger } from '../src/observability/logger';
import { createMetrics } from '../src/observability/metrics';
import type { RequestScope } from '../src/observability/requestScope';
import { median } from './stats';
import { START_MUTATION } from './starts';

export interface LayersResult {
  /** Apollo Server + graphql-js + the gateway's plugins, limits and resolver, per start (µs). */
  apolloPipelineUs: number;
  /** One StartCampaign through a default SDK client, canned answer (µs). */
  sdkDefaultClientUs: number;
  /** The same through the gateway's client: handler cache, attempt tracking, breaker, metrics, deadline (µs). */
  sdkGatewayClientUs: number;
  requestsPerRun: number;
  runs: number;
}

const WARM_UP = 5_000;
const PER_RUN = 20_000;
const RUNS = 5;

/** An HTTP handler that answers every request at once as StartCampaign's success does. */
const cannedAws = {
  async handle() {
    const headers = { 'x-amzn-requestid': 'bench-request-id', 'content-type': 'application/json', 'content-length': '0' };
    return { response: { statusCode: 200, reason: 'OK', headers, body: Readable.from([]) } };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs() {
    return {};
  },
};

async function cpuUsPerRequest(count: number, one: (i: number) => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) await one(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

async function apolloStart(): Promise<(i: number) => Promise<unknown>> {
  const config = loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'aws', LOG_LEVEL: 'silent' });
  const logger = createLogger('silent');
  const apollo = createApolloServer({ production: true, logger, config });
  await apollo.start();
  const campaigns = { run: async (_action: string, id: string) => ({ ok: true, campaignId: id, requestId: 'bench-request-id' }) } as unknown as CampaignService;
  const loaders = { campaignState: { clear: () => undefined } } as unknown as CampaignLoaders;
  return async (i) => {
    const scope = { requestId: `r${i}`, logger, events: logger, response: undefined } as unknown as RequestScope;
    const context: ContextValue = {
      requestId: scope.requestId,
      scope,
      principal: { subject: 'anonymous', scopes: 'all' },
      actionScopes: { start: config.startScope, stop: config.stopScope },
      campaigns,
      loaders,
      cursors: new CampaignCursors(config.cursorSecret),
      shutdownRefuses: () => false,
      recordAction: () => undefined,
    };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: 'POST',
        headers: new HeaderMap([['content-type', 'application/json']]),
        search: '',
        body: { query: START_MUTATION, variables: { id: `bench-start-${i}` } },
      },
      context: async () => context,
    });
    if (response.body.kind !== 'complete' || !response.body.string.includes('StartCampaignSuccess')) {
      throw new Error(`unexpected answer: ${JSON.stringify(response.body)}`);
    }
  };
}

function sdkStart(kind: 'default' | 'gateway'): (i: number) => Promise<unknown> {
  if (kind === 'default') {
    const client = new ConnectCampaignsV2Client({ requestHandler: cannedAws });
    return (i) => client.send(new StartCampaignCommand({ id: `bench-start-${i}` }));
  }
  const client = createCampaignsClient({
    requestTimeoutMs: 3000,
    connectTimeoutMs: 1000,
    metrics: createMetrics(),
    breaker: createUpstreamBreaker({ failures: 5, openMs: 5000 }),
    // On the path, at a rate never reached (its cost is in the figure; its waits are not).
    governor: createGovernor({ quota: { callsPerSecond: 1e9, burst: 1e9, reserve: 3 } }),
    // Only the HTTP handler is replaced.
    transportForBenchmarks: cannedAws,
  });
  return async (i) => {
    const aws = client.forRequest();
    try {
      return await aws.send(new StartCampaignCommand({ id: `bench-start-${i}` }));
    } finally {
      aws.close();
    }
  };
}

async function main(): Promise<void> {
  const layers = { apollo: await apolloStart(), sdkDefault: sdkStart('default'), sdkGateway: sdkStart('gateway') };
  const figures: Record<keyof typeof layers, number[]> = { apollo: [], sdkDefault: [], sdkGateway: [] };
  for (const one of Object.values(layers)) await cpuUsPerRequest(WARM_UP, one);
  for (let run = 0; run < RUNS; run++) {
    for (const [name, one] of Object.entries(layers) as Array<[keyof typeof layers, (i: number) => Promise<unknown>]>) {
      figures[name].push(await cpuUsPerRequest(PER_RUN, one));
    }
  }
  const result: LayersResult = {
    apolloPipelineUs: median(figures.apollo),
    sdkDefaultClientUs: median(figures.sdkDefault),
    sdkGatewayClientUs: median(figures.sdkGateway),
    requestsPerRun: PER_RUN,
    runs: RUNS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
