import type { Config } from './config';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { createCampaignsClient } from './aws/campaignsClient';
import { createUpstreamBreaker } from './aws/circuitBreaker';
import { watchBreaker } from './observability/breakerLog';
import { createGateway } from './gateway';
import type { Tracing } from './observability/tracing';

/** With CAMPAIGNS_BACKEND=emulator, starts the bundled emulator on a free loopback port. */
async function startBackend(config: Config, logger: Logger): Promise<{ endpoint?: string; stop(): Promise<void> }> {
  if (config.backend === 'aws') {
    logger.info({ backend: 'aws' }, 'campaign backend: AWS (standard AWS SDK configuration)');
    return { stop: async () => {} };
  }
  if (config.production) logger.warn({ backend: 'emulator' }, 'CAMPAIGNS_BACKEND=emulator in production: no real campaign is reached');
  const { createEmulator } = await import('./emulator');
  const emulator = createEmulator({ seed: true });
  const endpoint = await emulator.start(0, '127.0.0.1');
  logger.info(
    { backend: 'emulator', emulatorUrl: endpoint },
    `campaign backend: bundled emulator at ${endpoint} with demo campaigns (set CAMPAIGNS_BACKEND=aws for AWS)`,
  );
  return { endpoint, stop: () => emulator.stop() };
}

/** Runs the gateway process until SIGTERM or SIGINT (main.ts has read the config and started tracing). */
export async function runServer(config: Config, tracing?: Tracing): Promise<void> {
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  const backend = await startBackend(config, logger);
  const breaker = createUpstreamBreaker({ failures: config.upstream.breakerFailures, openMs: config.upstream.breakerOpenMs });
  watchBreaker(breaker, logger, metrics);
  const client = createCampaignsClient({
    requestTimeoutMs: config.upstream.requestTimeoutMs,
    connectTimeoutMs: config.upstream.connectTimeoutMs,
    deadlineMs: config.upstream.deadlineMs,
    maxCallsPerRequest: config.maxAwsCallsPerRequest,
    emulatorEndpoint: backend.endpoint,
    metrics,
    breaker,
    sharedReads: { maxAgeMs: config.upstream.readCacheMaxAgeMs, maxEntries: config.upstream.readCacheMaxEntries },
  });
  const gateway = await createGateway({ config, logger, metrics, client });
  const url = await gateway.listen(config.port, config.host);
  logger.info({ url, production: config.production, auth: config.auth.mode, tracing: config.tracing }, `gateway ready at ${url}`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining: finishing requests in flight');
    gateway
      .stop()
      .then(() => backend.stop())
      .then(() => tracing?.shutdown())
      .then(() => {
        client.destroy();
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
