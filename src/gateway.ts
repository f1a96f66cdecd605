import { randomUUID } from 'node:crypto';
import { createServer, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { eventLogger, type Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { createRequestScope } from './observability/requestScope';
import { unknownAwsValueReporter } from './observability/unknownAwsValues';
import type { CampaignsClient, RequestCampaignsApi } from './aws/campaignsClient';
import { Deadline } from './aws/deadline';
import { CampaignCursors } from './campaigns/campaignCursor';
import type { CampaignServiceOptions } from './campaigns/campaignService';
import { createLiveStates, type LiveStates } from './live/liveStates';
import { createLocalLiveStore } from './live/liveStore';
import { createApolloServer, gatewaySchema } from './graphql/apolloServer';
import { formatError } from './graphql/errors';
import { operationLimits } from './graphql/limits/operationLimits';
import { createRequestContext } from './graphql/requestContext';
import { createAuthenticator, type Authenticator } from './auth/authenticator';
import { authenticateCaller, authenticateRequest } from './http/authenticateRequest';
import { Drain } from './http/drain';
import { createExplorer } from './http/explorer';
import { createGraphqlHandler } from './http/graphqlHandler';
import { closeServer, httpUrl, listenOn } from './http/listen';
import { createMetricsServer } from './http/metricsEndpoint';
import { createRouter, GRAPHQL_PATH } from './http/router';
import { createSubscriptionTransports } from './http/subscriptions';

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** The AWS boundary (createCampaignsClient); each GraphQL request gets its own `forRequest()`. */
  client: CampaignsClient;
  /** Who is calling; by default from `config.auth` (tests pass one with a short JWKS cooldown). */
  authenticate?: Authenticator;
  /** Holds /readyz at 503 while it gives a reason (AWS credentials not resolved yet). */
  notReadyReason?: () => string | undefined;
  /** Told of every value AWS answers that the gateway does not know; one per process (server.ts shares it with the live feed). */
  onUnknownValue?: (field: string, value: string) => void;
  /** The live campaign states (subscriptions), shared by the fleet through Redis; by default this process's own. */
  live?: LiveStates;
}

export interface Gateway {
  readonly httpServer: Server;
  /** The server of /metrics alone, when METRICS_PORT moves it off the API's port. */
  readonly metricsServer: Server | undefined;
  /** Listens (and on METRICS_PORT, if set) and resolves to the GraphQL endpoint's URL. */
  listen(port: number, host: string): Promise<string>;
  /**
   * Turns /readyz to 503, waits SHUTDOWN_DELAY_MS, stops accepting connections, tells subscribers
   * to reconnect elsewhere, and waits for every request it accepted (src/http/drain.ts).
   */
  stop(): Promise<void>;
}

export async function createGateway({
  config,
  logger,
  metrics,
  client,
  authenticate = createAuthenticator(config.auth, undefined, logger),
  notReadyReason,
  onUnknownValue = unknownAwsValueReporter(logger, metrics),
  live = createLiveStates({ client, store: createLocalLiveStore(), settings: config.live, logger, metrics, serviceOptions: { onUnknownValue } }),
}: GatewayDeps): Promise<Gateway> {
  // GraphQL requests in flight and the shutdown that waits for them. A request's deadline counts
  // from its arrival; a caller that hung up leaves its actions running, and they are waited for too.
  const drain = new Drain({ deadlineMs: config.upstream.deadlineMs, shutdownDelayMs: config.shutdownDelayMs });
  // Timeouts on what a client sends, set on purpose (Node's defaults give a stalled upload 300 s):
  // the body has its own timer in readBody; requestTimeout is the backstop for both.
  const httpServer = createServer({
    ServerResponse: drain.responseClass(),
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.headersTimeoutMs + config.http.bodyTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
  });
  httpServer.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  // Outside production a browser gets an explorer; production serves no page at all.
  const explorer = config.production ? undefined : await createExplorer({ endpointPath: GRAPHQL_PATH, logger });
  // One schema for Apollo Server and the subscription transports.
  const schema = gatewaySchema(config);
  const apollo = createApolloServer({ production: config.production, logger, config, schema, landingPage: explorer?.landingPage });
  await apollo.start();
  const loggers = { logger, events: eventLogger(logger) };

  const serviceOptions: CampaignServiceOptions = {
    onUnknownValue,
    // Every replica's subscribers see a successful action's state at once, without waiting for a poll.
    actionSucceeded: (outcome) =>
      void live.actionSucceeded(outcome).catch((err: unknown) => logger.warn({ event: 'live.publish.failed', err }, 'action outcome not published to subscribers')),
  };
  const contextDeps = {
    serviceOptions,
    cursors: new CampaignCursors(config.cursorSecret),
    actionScopes: Object.freeze({ start: config.startScope, stop: config.stopScope }),
    metrics,
    liveStates: live,
  };
  const context = createRequestContext({
    ...contextDeps,
    forRequest: (scope) => client.forRequest({ deadline: Deadline.at(drain.deadlineOf(scope.arrivedAt)) }),
    shutdownRefuses: (scope) => !drain.admits(drain.deadlineOf(scope.arrivedAt)),
  });
  const graphql = createGraphqlHandler({
    apollo,
    bodyLimitBytes: config.bodyLimitBytes,
    bodyTimeoutMs: config.http.bodyTimeoutMs,
    authenticate: authenticateRequest(authenticate),
    context: async (_req, scope, principal) => context(scope, principal),
  });

  // A subscription outlives any request deadline: each event gets its own AWS budget and deadline.
  const subscriptionContext = createRequestContext({ ...contextDeps, forRequest: () => client.forRequest(), shutdownRefuses: () => drain.draining });
  const limits = operationLimits({ limits: config.limits, production: config.production });
  const subscriptions = createSubscriptionTransports({
    httpServer,
    schema,
    production: config.production,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    keepAliveMs: config.live.keepAliveMs,
    maxSubscriptionsPerConnection: config.live.maxSubscriptionsPerConnection,
    bodyLimitBytes: config.bodyLimitBytes,
    bodyTimeoutMs: config.http.bodyTimeoutMs,
    authenticate: authenticateCaller(authenticate),
    formatError,
    logger,
    context(principal, request) {
      const scope = createRequestScope(randomUUID(), new ServerResponse(request), loggers);
      let aws: RequestCampaignsApi = client.forRequest();
      const ctx = subscriptionContext(scope, principal, aws);
      ctx.startEvent = () => {
        aws.close();
        aws = client.forRequest();
        const fresh = subscriptionContext(scope, principal, aws);
        ctx.campaigns = fresh.campaigns;
        ctx.loaders = fresh.loaders;
      };
      return ctx;
    },
  });
  live.start();

  const metricsServer = config.metricsPort === undefined ? undefined : createMetricsServer(metrics, logger);

  const route = createRouter({
    loggers,
    metrics,
    explorer,
    servesMetrics: metricsServer === undefined,
    unready() {
      if (drain.draining) return { status: 'draining' };
      const reason = notReadyReason?.();
      return reason ? { status: 'not ready', reason } : undefined;
    },
    // Event streams end when their subscription does (or at stop()), not with a request's deadline.
    eventStreams: { wants: (req) => subscriptions.wantsEventStream(req), handle: (req, res, scope) => subscriptions.handleEventStream(req, res, scope.logger) },
    graphql(req, res, search, scope) {
      const handled = graphql(req, res, search, scope);
      drain.track(handled, drain.deadlineOf(scope.arrivedAt));
      return handled;
    },
  });
  httpServer.on('request', route);

  return {
    httpServer,
    metricsServer,
    async listen(port, host) {
      if (metricsServer && config.metricsPort !== undefined) await listenOn(metricsServer, config.metricsPort, host);
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const { port: bound } = httpServer.address() as AddressInfo;
          resolve(httpUrl(host, bound, GRAPHQL_PATH));
        });
      });
    },
    async stop() {
      // Once the listener closes, subscribers are told to reconnect (elsewhere) and the poller's
      // lease is handed on, while the drain waits for the requests it accepted.
      await drain.stop(httpServer, async () => {
        await subscriptions.close();
        await live.stop();
      });
      await apollo.stop();
      if (metricsServer?.listening) await closeServer(metricsServer);
    },
  };
}
