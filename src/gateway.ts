import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { eventLogger, type Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import type { CampaignsClient } from './aws/campaignsClient';
import { CampaignCursors } from './campaigns/campaignCursor';
import { createApolloServer } from './graphql/apolloServer';
import { Deadline } from './aws/deadline';
import { Drain } from './http/drain';
import { unknownAwsValueReporter } from './observability/unknownAwsValues';
import { createRequestContext } from './graphql/requestContext';
import { createAuthenticator, type Authenticator } from './auth/authenticator';
import { authenticateRequest } from './http/authenticateRequest';
import { createExplorer } from './http/explorer';
import { createGraphqlHandler } from './http/graphqlHandler';
import { createMetricsServer } from './http/metricsEndpoint';
import { closeServer, httpUrl, listenOn } from './http/listen';
import { createRouter, GRAPHQL_PATH } from './http/router';

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
}

export interface Gateway {
  readonly httpServer: Server;
  /** The server of /metrics alone, when METRICS_PORT moves it off the API's port. */
  readonly metricsServer: Server | undefined;
  /** Listens (and on METRICS_PORT, if set) and resolves to the GraphQL endpoint's URL. */
  listen(port: number, host: string): Promise<string>;
  /**
   * Turns /readyz to 503, waits SHUTDOWN_DELAY_MS, stops accepting connections, lets requests in
   * flight finish (those whose callers hung up too; up to UPSTREAM_DEADLINE_MS + 2 s), then stops.
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
}: GatewayDeps): Promise<Gateway> {
  // Timeouts on what a client sends, set on purpose (Node's defaults give a stalled upload 300 s):
  // the body has its own timer in readBody; requestTimeout is the backstop for both.
  const httpServer = createServer({
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.headersTimeoutMs + config.http.bodyTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
  });
  httpServer.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  // Outside production a browser gets an explorer; production serves no page at all.
  const explorer = config.production ? undefined : await createExplorer({ endpointPath: GRAPHQL_PATH, logger });
  const apollo = createApolloServer({ production: config.production, logger, config, landingPage: explorer?.landingPage });
  await apollo.start();
  // GraphQL requests in flight and the shutdown that waits for them. A request's deadline counts
  // from its arrival; a caller that hung up leaves its actions running, and they are waited for too.
  const drain = new Drain({ deadlineMs: config.upstream.deadlineMs, shutdownDelayMs: config.shutdownDelayMs });

  const context = createRequestContext({
    forRequest: (scope) => client.forRequest({ deadline: Deadline.at(drain.deadlineOf(scope.arrivedAt)) }),
    shutdownRefuses: (scope) => !drain.admits(drain.deadlineOf(scope.arrivedAt)),
    serviceOptions: { onUnknownValue: unknownAwsValueReporter(logger, metrics) },
    cursors: new CampaignCursors(config.cursorSecret),
    actionScopes: Object.freeze({ start: config.startScope, stop: config.stopScope }),
    metrics,
  });
  const graphql = createGraphqlHandler({
    apollo,
    bodyLimitBytes: config.bodyLimitBytes,
    bodyTimeoutMs: config.http.bodyTimeoutMs,
    authenticate: authenticateRequest(authenticate),
    context: async (_req, scope, principal) => context(scope, principal),
  });

  const metricsServer = config.metricsPort === undefined ? undefined : createMetricsServer(metrics, logger);

  const route = createRouter({
      loggers: { logger, events: eventLogger(logger) },
      metrics,
      explorer,
      servesMetrics: metricsServer === undefined,
      unready() {
        if (drain.draining) return { status: 'draining' };
        const reason = notReadyReason?.();
        return reason ? { status: 'not ready', reason } : undefined;
      },
      graphql(req, res, search, scope) {
        const handled = graphql(req, res, search, scope);
        drain.track(handled, res, drain.deadlineOf(scope.arrivedAt));
        return handled;
      },
  });
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    drain.arrived(res);
    route(req, res);
  });

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
      await drain.stop(httpServer);
      await apollo.stop();
      if (metricsServer?.listening) await closeServer(metricsServer);
    },
  };
}
