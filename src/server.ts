import { ConfigError, type Config } from './config';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { unknownAwsValueReporter } from './observability/unknownAwsValues';
import { createCampaignsClient } from './aws/campaignsClient';
import { configuredClientOptions } from './aws/configuredOptions';
import { createRedisReadStore } from './aws/redisReadStore';
import { createUpstreamBreaker } from './aws/circuitBreaker';
import { createGovernor } from './aws/governor';
import { createRedisLink } from './aws/redis';
import { watchBreaker } from './observability/breakerLog';
import { createGateway } from './gateway';
import { httpUrl } from './http/listen';
import { requireAwsRegion, watchAwsCredentials } from './aws/awsReadiness';
import type { Tracing } from './observability/tracing';
import { nextSteps, readyMessage } from './readyMessage';
import { createFailoverLiveStore } from './live/failoverLiveStore';
import { createLiveStates } from './live/liveStates';
import { createLocalLiveStore } from './live/liveStore';
import { createRedisLiveStore } from './live/redisLiveStore';

/** With CAMPAIGNS_BACKEND=emulator, starts the bundled emulator on loopback, on EMULATOR_PORT. */
async function startBackend(config: Config, logger: Logger): Promise<{ endpoint?: string; stop(): Promise<void> }> {
  if (config.backend === 'aws') {
    logger.info({ backend: 'aws' }, 'campaign backend: AWS (standard AWS SDK configuration)');
    return { stop: async () => {} };
  }
  if (config.production) logger.warn({ backend: 'emulator' }, 'CAMPAIGNS_BACKEND=emulator in production: no real campaign is reached');
  const { createEmulator } = await import('./emulator');
  // The emulator plays the AWS account at the rate the governor is told the account has, so the
  // governor is seen keeping under it (the control API changes it: docs/quota.md).
  const throttle = { callsPerSecond: config.quota.callsPerSecond, burst: config.quota.burst };
  const emulator = createEmulator({ seed: true, throttle });
  const endpoint = await emulator.start(config.emulatorPort, '127.0.0.1').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new ConfigError('EMULATOR_PORT', `port ${config.emulatorPort} is in use on 127.0.0.1; set another, or 0 for any free port`);
  });
  logger.info(
    { backend: 'emulator', emulatorUrl: endpoint, emulatorThrottle: throttle },
    `campaign backend: bundled emulator at ${endpoint} with demo campaigns (set CAMPAIGNS_BACKEND=aws for AWS)`,
  );
  return { endpoint, stop: () => emulator.stop() };
}

/** Runs the gateway process until SIGTERM or SIGINT (main.ts has read the config and started tracing). */
export async function runServer(config: Config, tracing?: Tracing): Promise<void> {
  const logger = createLogger(config.logLevel);
  if (config.production && config.auth.mode === 'none') {
    logger.warn(
      { event: 'auth.disabled', authMode: 'none', host: config.host },
      `AUTH_MODE=none in production: every caller on ${config.host} is "anonymous" with every scope and may start campaigns (dial customers); set AUTH_MODE=jwt unless a trusted proxy in front authenticates every request`,
    );
  }
  if (config.production && config.cursorSecretIsRandom) {
    logger.warn(
      { event: 'cursor.key.random' },
      'CURSOR_SECRET is not set: list cursors are signed with a key of this process only, so another replica, or this one after a restart, refuses them (BAD_USER_INPUT); set the same CURSOR_SECRET on every replica',
    );
  }
  const metrics = createMetrics();
  const backend = await startBackend(config, logger);
  const breaker = createUpstreamBreaker({ failures: config.upstream.breakerFailures, openMs: config.upstream.breakerOpenMs });
  watchBreaker(breaker, logger, metrics);
  const redis = config.redis
    ? createRedisLink({ ...config.redis, log: logger, availability: metrics.redisAvailable })
    : undefined;
  const governor = createGovernor({
    quota: config.quota,
    replicas: config.quota.replicas,
    redis,
    metrics: { tokens: metrics.awsTokens, tokenWait: metrics.awsTokenWait, throttles: metrics.awsThrottles, fleetRate: metrics.awsFleetRate },
  });
  const sharedStore = redis ? createRedisReadStore(redis.client, { prefix: redis.key(''), timeoutMs: redis.commandTimeoutMs }) : undefined;
  const client = createCampaignsClient({
    ...configuredClientOptions(config, sharedStore),
    emulatorEndpoint: backend.endpoint,
    metrics,
    breaker,
    governor,
  });
  // On AWS, a missing region stops the start; missing credentials hold readiness back until found.
  const credentials =
    config.backend === 'aws'
      ? await requireAwsRegion(client.providers).then(() => watchAwsCredentials(client.providers, logger, { timeoutMs: config.upstream.credentialsTimeoutMs }))
      : undefined;
  // With REDIS_URL the replicas share one poll per campaign and every change; otherwise each is on its own.
  // One reporter per process: a state AWS added later is named once, whether a read or a poll met it.
  const onUnknownValue = unknownAwsValueReporter(logger, metrics);
  const live = createLiveStates({
    client,
    serviceOptions: { onUnknownValue },
    // While Redis cannot be reached, each replica polls for its own subscribers at its share of the rate.
    store: redis
      ? createFailoverLiveStore({
          fleet: createRedisLiveStore({ command: redis.client, subscriber: redis.subscriber() }, redis.key('')),
          local: createLocalLiveStore(),
          link: redis,
          localRateShare: 1 / config.quota.replicas,
        })
      : createLocalLiveStore(),
    settings: config.live,
    logger,
    metrics,
  });
  const gateway = await createGateway({ config, logger, metrics, client, live, onUnknownValue, notReadyReason: credentials?.notReadyReason });
  const url = await gateway.listen(config.port, config.host);
  const notReady = credentials?.notReadyReason();
  const metricsAddress = gateway.metricsServer?.address();
  const metricsUrl = metricsAddress && typeof metricsAddress === 'object' ? httpUrl(config.host, metricsAddress.port, '/metrics') : undefined;
  const steps = nextSteps(url, config, backend.endpoint);
  logger.info(
    { url, ...(metricsUrl ? { metricsUrl } : {}), ready: !notReady, production: config.production, auth: config.auth.mode, tracing: config.tracing, ...steps },
    notReady ? `gateway listening at ${url}, not ready: ${notReady}` : readyMessage(url, steps),
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    // A second signal must not end the drain early: with no listener left, Node's default would
    // kill the process with actions still at AWS. SIGKILL remains the way to stop it at once.
    if (stopping) {
      logger.warn({ signal }, 'already draining: the signal is ignored until requests in flight are finished');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'draining: finishing requests in flight');
    gateway
      .stop()
      .then(() => backend.stop())
      .then(() => tracing?.shutdown())
      .then(() => {
        credentials?.stop();
        client.destroy();
        return redis?.close();
      })
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
