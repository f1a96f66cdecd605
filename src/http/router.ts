import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { observeGraphqlRequest } from '../observability/graphqlRequestLog';
import { createRequestScope, type RequestScope } from '../observability/requestScope';
import type { Explorer } from './explorer';
import { sendMetrics } from './metricsEndpoint';
import { requestIdOf } from './requestId';
import { sendJson } from './sendJson';

export const GRAPHQL_PATH = '/graphql';

export interface RouterOptions {
  loggers: { logger: Logger; events: Logger };
  metrics: Metrics;
  /** Serves a GraphQL request (search: the URL's `?...` part, or ''). */
  graphql(req: IncomingMessage, res: ServerResponse, search: string, scope: RequestScope): Promise<void>;
  /** The browser pages and their files, outside production. */
  explorer: Explorer | undefined;
  /** Whether /metrics is served here; false when METRICS_PORT serves it on its own. */
  servesMetrics: boolean;
  /** GraphQL over Server-Sent Events (subscriptions): served on the GraphQL path, outside the request log and the drain. */
  eventStreams?: {
    wants(req: IncomingMessage): boolean;
    handle(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void>;
  };
  /** Why /readyz answers 503 (draining, or not ready yet); undefined while ready. */
  unready(): { status: 'draining' } | { status: 'not ready'; reason: string } | undefined;
}

/** The gateway's HTTP routes: /graphql (and the explorer's pages), /healthz, /readyz, /metrics. */
export function createRouter({ loggers, metrics, graphql, explorer, eventStreams, servesMetrics, unready }: RouterOptions) {
  async function route(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const search = queryAt === -1 ? '' : url.slice(queryAt);
    if (explorer && (await explorer.handle(req.method ?? 'GET', path, search, res))) return;
    switch (path) {
      case GRAPHQL_PATH:
        if (eventStreams?.wants(req)) return eventStreams.handle(req, res, scope);
        observeGraphqlRequest(scope, res, metrics);
        return graphql(req, res, search, scope);
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        const reason = unready();
        return reason ? sendJson(res, 503, reason) : sendJson(res, 200, { status: 'ready' });
      }
      case '/metrics':
        if (!servesMetrics) return sendJson(res, 404, { error: 'not found' });
        return sendMetrics(res, metrics);
      default:
        return sendJson(res, 404, { error: 'not found' });
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = requestIdOf(req.headers);
    res.setHeader('x-request-id', requestId);
    const scope = createRequestScope(requestId, res, loggers);
    route(req, res, scope).catch((err: unknown) => {
      scope.logger.error({ err }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
      else res.destroy();
    });
  };
}
