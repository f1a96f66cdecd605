import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { eventLogger, type Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { recordActionAttempt } from './observability/actionAudit';
import { CAMPAIGN_ACTIONS } from './campaigns/campaignActions';
import { CampaignService } from './campaigns/campaignService';
import type { CampaignsClient } from './aws/campaignsClient';
import { createCampaignLoaders } from './campaigns/campaignLoaders';
import { CampaignCursors } from './campaigns/campaignCursor';
import { createApolloServer } from './graphql/apolloServer';
import { Deadline } from './aws/deadline';
import { Drain } from './http/drain';
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
import { unknownAwsValueReporter } from './observability/unknownAwsValues';

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
   * flight finish (those whose callers hung up too), each by its deadline, then stops (http/drain.ts).
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
  const apollo = createApolloServer({ production: config.production, logger, config });
  await apollo.start();
  const cursors = new CampaignCursors(config.cursorSecret);
  const loggers = { logger, events: eventLogger(logger) };
  const actionScopes = Object.freeze({ start: config.startScope, stop: config.stopScope });
  const serviceOptions = { onUnknownValue: unknownAwsValueReporter(logger, metrics) };
  // GraphQL requests in flight and the shutdown that waits for them. A request's deadline counts
  // from its arrival; a caller that hung up leaves its actions running, and they are waited for too.
  const drain = new Drain({ deadlineMs: config.upstream.deadlineMs, shutdownDelayMs: config.shutdownDelayMs });

  const graphql = createGraphqlHandler({
    apollo,
    bodyLimitBytes: config.bodyLimitBytes,
    bodyTimeoutMs: config.http.bodyTimeoutMs,
    async authenticate(req, scope): Promise<Principal> {
      try {
        return await authenticate(req.headers.authorization);
      } catch (err) {
        // The reason (e.g. ERR_JWT_EXPIRED), never the token. A key-set outage is logged once
        // per outage by the verifier, not once per request.
        if (err instanceof AuthenticationError) scope.logger.warn({ event: 'auth.rejected', reason: err.reason }, 'request not authenticated');
        else if (!(err instanceof KeySetUnavailableError)) {
          scope.logger.error({ event: 'auth.rejected', reason: 'verifier-failed', err }, 'request could not be authenticated');
        }
        throw authenticationFailure(err);
      }
    },
    async context(_req, scope, principal): Promise<ContextValue> {
      const { requestId } = scope;
      // This request's AWS budget and deadline. Closed once the answer is sent, so that its
      // deadline timer does not keep what the calls hung on it alive after it (see BENCHMARKS.md).
      // A caller that hung up first leaves work still running: the deadline must still end it.
      const deadlineAt = drain.deadlineOf(scope.arrivedAt);
      const aws = client.forRequest({ deadline: Deadline.at(deadlineAt) });
      scope.response.once('close', () => {
        if (scope.response.writableFinished) aws.close();
      });
      const requestCampaigns = new CampaignService(aws, serviceOptions);
      return {
        requestId,
        scope,
        principal,
        actionScopes,
        campaigns: requestCampaigns,
        loaders: createCampaignLoaders(requestCampaigns),
        cursors,
        shutdownRefuses: () => !drain.admits(deadlineAt),
        recordAction: (action, attempt) =>
          recordActionAttempt(scope.events, metrics, { action, event: CAMPAIGN_ACTIONS[action].auditEvent }, attempt),
      };
    },
  });

  const metricsServer = config.metricsPort === undefined ? undefined : createMetricsServer(metrics, logger);

  async function route(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const search = queryAt === -1 ? '' : url.slice(queryAt);
    switch (path) {
      case '/graphql': {
        observeGraphqlRequest(scope, res, metrics);
        const handled = graphql(req, res, search, scope);
        drain.track(handled, res, drain.deadlineOf(scope.arrivedAt));
        return handled;
      }
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        if (drain.draining) return sendJson(res, 503, { status: 'draining' });
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
    drain.arrived(res);
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
      await drain.stop(httpServer);
      await apollo.stop();
      if (metricsServer?.listening) await closeServer(metricsServer);
    },
  };
}
