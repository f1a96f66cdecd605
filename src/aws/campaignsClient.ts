import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { CircuitBreakerPolicy } from 'cockatiel';
import type { Metrics } from '../observability/metrics';
import { START_CAMPAIGN_EXCEPTIONS } from '../campaigns/types';
import { attemptTracking } from './upstreamAttempts';
import { breakerMiddleware } from './circuitBreaker';

export interface CampaignsClientOptions {
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  /**
   * The bundled emulator's base URL. When set, the client talks to it with a fixed region and
   * fake credentials; otherwise the SDK's standard configuration (environment, profile,
   * AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2, AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, ...) applies unchanged.
   */
  emulatorEndpoint?: string;
  metrics?: Pick<Metrics, 'upstreamDuration'>;
  /** Overrides AWS_MAX_ATTEMPTS; for tests that need exact call counts. */
  maxAttempts?: number;
  /**
   * A fixed back-off between attempts instead of the SDK's (about 1 s base after throttling);
   * for tests only, so that retried faults stay fast. Needs `maxAttempts`.
   */
  retryDelayMs?: number;
  /** Fails calls at once while AWS is plainly down (see circuitBreaker.ts). */
  breaker?: CircuitBreakerPolicy;
}

const KNOWN_ERRORS: ReadonlySet<string> = new Set(START_CAMPAIGN_EXCEPTIONS);

/** The one SDK client of a gateway process. This is the only module that constructs one. */
export function createCampaignsClient(options: CampaignsClientOptions): ConnectCampaignsV2Client {
  const client = new ConnectCampaignsV2Client({
    // The Node handler sets no timeouts by default, and requestTimeout alone only logs a warning.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
    // Retries stay the SDK's own (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE): standard mode spends a
    // shared retry quota (500 tokens, 5 a throttled retry, 14 a failed one; refilled by successes),
    // so a throttling storm stops being retried instead of being multiplied; adaptive mode also
    // slows sending after throttling.
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryDelayMs !== undefined && options.maxAttempts !== undefined
      ? { retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts, options.retryDelayMs) }
      : {}),
    ...(options.emulatorEndpoint
      ? {
          endpoint: options.emulatorEndpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator' },
        }
      : {}),
  });
  const histogram = options.metrics?.upstreamDuration;
  if (histogram) {
    // Outermost step, so one observation covers an operation with all its retries.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const end = histogram.startTimer({ operation: context.commandName?.replace(/Command$/, '') ?? 'unknown' });
        try {
          const output = await next(args);
          end({ outcome: 'success' });
          return output;
        } catch (err) {
          const name = (err as { name?: unknown } | null)?.name;
          end({ outcome: typeof name === 'string' && KNOWN_ERRORS.has(name) ? name : 'error' });
          throw err;
        }
      },
      { step: 'initialize', name: 'campaignGatewayUpstreamDuration', priority: 'high' },
    );
  }
  // Added after the metrics step, so that one runs outermost and sees every call, refused ones too.
  client.middlewareStack.use(attemptTracking());
  if (options.breaker) client.middlewareStack.use(breakerMiddleware(options.breaker));
  return client;
}
