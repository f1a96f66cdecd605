import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { sendJson } from './sendJson';

/** Answers a Prometheus scrape. Unauthenticated, as Prometheus expects. */
export async function sendMetrics(res: ServerResponse, metrics: Pick<Metrics, 'registry'>): Promise<void> {
  const text = await metrics.registry.metrics();
  res.writeHead(200, { 'content-type': metrics.registry.contentType });
  res.end(text);
}

/** A server of `/metrics` alone (METRICS_PORT), so it need not be exposed with the API. */
export function createMetricsServer(metrics: Pick<Metrics, 'registry'>, logger: Logger): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    sendMetrics(res, metrics).catch((err: unknown) => {
      logger.error({ err }, 'metrics request failed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
}
