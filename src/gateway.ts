import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { eventLogger, type Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { recordActionAttempt } from './observability/actionAudit';
import { CAMPAIGN_ACTIONS } from './campaigns/campaignActions';
import { CampaignService } from './campaigns/campaignService';
import type { CampaignsClient, RequestCampaignsApi } from './aws/campaignsClient';
import { createCampaignLoaders } from './campaigns/campaignLoaders';
import { CampaignCursors } from './campaigns/campaignCursor';
import { createApolloServer, drainLimitMs, gatewaySchema } from './graphql/apolloServer';
import { operationLimits } from './graphql/limits/operationLimits';
import { formatError } from './graphql/errors';
import { createSubscriptionTransports } from './http/subscriptions';
import { createLiveStates, type LiveStates } from './live/liveStates';
import { createLocalLiveStore } from './live/liveStore';
import type { ContextValue } from './graphql/context';
import type { Principal } from './auth/principal';
import { authenticationFailure } from './graphql/errors';
import { createAuthenticator, type Authenticator } from './auth/authenticator';
import { AuthenticationError, KeySetUnavailableError } from './auth/jwtVerifier';
import { createGraphqlHandler } from './http/graphqlHandler';
import { closeServer, createMetricsServer, httpUrl, listenOn, sendMetrics } from './http/metricsEndpoint';
import { requestIdOf } from './http/requestId';
import { sendJson } from './http/sendJson';
import { observeGraphqlRequest } from './observability/graphqlRequestLog';
import { createRequestScope, type RequestScope } from './observability/requestScope';
import { randomUUID } from 'node:crypto';

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
  live = createLiveStates({ client, store: createLocalLiveStore(), settings: config.live, logger, metrics }),
}: GatewayDeps): Promise<Gateway> {
  // Timeouts on what a client sends, set on purpose (Node's defaults give a stalled upload 300 s):
  // the body has its own timer in readBody; requestTimeout is the backstop for both.
  const httpServer = createServer({
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.headersTimeoutMs + config.http.bodyTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
  });
  httpServer.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  // One schema for Apollo Server and the subscription transports.
  const schema = gatewaySchema(config);
  const apollo = createApolloServer({ production: config.production, logger, httpServer, schema, config });
  await apollo.start();
  const cursors = new CampaignCursors(config.cursorSecret);
  const loggers = { logger, events: eventLogger(logger) };
  const actionScopes = Object.freeze({ start: config.startScope, stop: config.stopScope });
  let draining = false;
  // GraphQL requests still being worked on. The drain waits on connections, and a caller that hung
  // up leaves none while its actions still run: stop() waits for these too, so each is audited.
  const inFlight = new Set<Promise<void>>();

  async function authenticateCaller(authorization: string | undefined, log: Logger): Promise<Principal> {
    try {
      return await authenticate(authorization);
    } catch (err) {
      // The reason (e.g. ERR_JWT_EXPIRED), never the token. A key-set outage is logged once
      // per outage by the verifier, not once per request.
      if (err instanceof AuthenticationError) log.warn({ event: 'auth.rejected', reason: err.reason }, 'request not authenticated');
      else if (!(err instanceof KeySetUnavailableError)) {
        log.error({ event: 'auth.rejected', reason: 'verifier-failed', err }, 'request could not be authenticated');
      }
      throw authenticationFailure(err);
    }
  }
  // Every replica's subscribers see a successful action's state at once, without waiting for a poll.
  const serviceListeners = {
    actionSucceeded: (outcome: Parameters<LiveStates['actionSucceeded']>[0]) =>
      void live.actionSucceeded(outcome).catch((err: unknown) => logger.warn({ event: 'live.publish.failed', err }, 'action outcome not published to subscribers')),
  };
  function requestContext(scope: RequestScope, principal: Principal, aws: RequestCampaignsApi): ContextValue {
    const requestCampaigns = new CampaignService(aws, serviceListeners);
    return {
      requestId: scope.requestId,
      scope,
      principal,
      actionScopes,
      campaigns: requestCampaigns,
      loaders: createCampaignLoaders(requestCampaigns),
      cursors,
      recordAction: (action, attempt) => recordActionAttempt(scope.events, metrics, { action, event: CAMPAIGN_ACTIONS[action].auditEvent }, attempt),
      liveStates: live,
    };
  }

  const graphql = createGraphqlHandler({
    apollo,
    bodyLimitBytes: config.bodyLimitBytes,
    bodyTimeoutMs: config.http.bodyTimeoutMs,
    authenticate: (req, scope) => authenticateCaller(req.headers.authorization, scope.logger),
    async context(_req, scope, principal): Promise<ContextValue> {
      // This request's AWS budget and deadline. Closed once the answer is sent, so that its
      // deadline timer does not keep what the calls hung on it alive after it (see BENCHMARKS.md).
      // A caller that hung up first leaves work still running: the deadline must still end it.
      const aws = client.forRequest();
      scope.response.once('close', () => {
        if (scope.response.writableFinished) aws.close();
      });
      return requestContext(scope, principal, aws);
    },
  });

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
    authenticate: authenticateCaller,
    formatError,
    logger,
    // A subscription outlives any request deadline: each event gets its own AWS budget and deadline.
    context(principal, request) {
      const scope = createRequestScope(randomUUID(), new ServerResponse(request), loggers);
      let aws = client.forRequest();
      const ctx = requestContext(scope, principal, aws);
      ctx.startEvent = () => {
        aws.close();
        aws = client.forRequest();
        ctx.campaigns = new CampaignService(aws, serviceListeners);
        ctx.loaders = createCampaignLoaders(ctx.campaigns);
      };
      return ctx;
    },
  });
  live.start();

  const metricsServer = config.metricsPort === undefined ? undefined : createMetricsServer(metrics, logger);

  async function route(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const search = queryAt === -1 ? '' : url.slice(queryAt);
    switch (path) {
      case '/graphql': {
        // Event streams end when their subscription does (or at stop()), not with a request's deadline.
        if (subscriptions.wantsEventStream(req)) return subscriptions.handleEventStream(req, res, scope.logger);
        observeGraphqlRequest(scope, res, metrics);
        const handled = graphql(req, res, search, scope);
        const settled = handled.then(
          () => undefined,
          () => undefined,
        );
        inFlight.add(settled);
        void settled.then(() => inFlight.delete(settled));
        return handled;
      }
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        if (draining) return sendJson(res, 503, { status: 'draining' });
        const reason = notReadyReason?.();
        return reason ? sendJson(res, 503, { status: 'not ready', reason }) : sendJson(res, 200, { status: 'ready' });
      }
      case '/metrics':
        if (metricsServer) return sendJson(res, 404, { error: 'not found' });
        return sendMetrics(res, metrics);
      default:
        return sendJson(res, 404, { error: 'not found' });
    }
  }

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const requestId = requestIdOf(req.headers);
    res.setHeader('x-request-id', requestId);
    const scope = createRequestScope(requestId, res, loggers);
    route(req, res, scope).catch((err: unknown) => {
      scope.logger.error({ err }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
      else res.destroy();
    });
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
          resolve(httpUrl(host, bound, '/graphql'));
        });
      });
    },
    async stop() {
      draining = true;
      if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      const drainEndsAt = performance.now() + drainLimitMs(config.upstream.deadlineMs);
      // Subscribers first: told to reconnect (elsewhere), and the poller's lease handed on.
      await subscriptions.close();
      await live.stop();
      await apollo.stop();
      // Their AWS work ends by the request deadline, so this wait ends within the drain's own limit.
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, drainEndsAt - performance.now()))));
      await Promise.race([Promise.all(inFlight), limit]);
      clearTimeout(timer);
      if (metricsServer?.listening) await closeServer(metricsServer);
    },
  };
}
