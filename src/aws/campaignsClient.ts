import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { version as sdkVersion } from '@aws-sdk/client-connectcampaignsv2/package.json';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { CircuitBreakerPolicy } from 'cockatiel';
import type { Metrics } from '../observability/metrics';
import { isCampaignException } from '../campaigns/campaignExceptions';
import { DeadlineAwareHttpHandler, attemptTracking } from './upstreamAttempts';
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

/**
 * What the SDK's user-agent middleware sends, minus the parts it recomputes on every call (OS
 * release, per-call feature codes): AWS (and CloudTrail's userAgent) still see who is calling.
 */
const USER_AGENT = `aws-sdk-js/${sdkVersion} lang/js md/nodejs#${process.versions.node} api/connectcampaignsv2#${sdkVersion} app/campaign-gateway`;
const X_AMZ_USER_AGENT = `aws-sdk-js/${sdkVersion}`;

/**
 * Without an explicit signer the SDK builds a new SigV4 signer, copying the whole client config,
 * for every request. The signer depends only on the signing scope (region and service name, from
 * the endpoint's auth scheme) and reads credentials through the client's provider on every
 * signature, so one per scope signs exactly as before (credential refresh included).
 */
function reuseSigners(client: ConnectCampaignsV2Client): void {
  type Signer = ConnectCampaignsV2Client['config']['signer'];
  const build: Signer = client.config.signer;
  const byScope = new Map<string, ReturnType<Signer>>();
  client.config.signer = (authScheme) => {
    const scope = `${authScheme?.name}|${authScheme?.signingRegion}|${authScheme?.signingName}`;
    let signer = byScope.get(scope);
    if (!signer) {
      signer = build(authScheme);
      byScope.set(scope, signer);
      // A failed build (e.g. no region yet) is retried on the next request, as without reuse.
      signer.catch(() => byScope.delete(scope));
    }
    return signer;
  };
}

/** The one SDK client of a gateway process. This is the only module that constructs one. */
export function createCampaignsClient(options: CampaignsClientOptions): ConnectCampaignsV2Client {
  const client = new ConnectCampaignsV2Client({
    // The middleware stack is resolved once per command class instead of on every call (re-sorting
    // and re-concatenating ~15 steps each time). That holds only for calls sent without per-call
    // options, so request deadlines go through `boundByDeadline`, and it shares one middleware context
    // between all calls of a class, so per-call state is kept by the command's input instead.
    cacheMiddleware: true,
    // The Node handler sets no timeouts by default, and requestTimeout alone only logs a warning.
    requestHandler: new DeadlineAwareHttpHandler({
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
  // Steps that do nothing for this gateway but cost CPU on every call: the SDK's logger step (no
  // SDK logger is configured), Lambda's trace-id propagation (this is not a Lambda), and a user
  // agent rebuilt per call (replaced by a fixed one).
  client.middlewareStack.remove('loggerMiddleware');
  client.middlewareStack.remove('recursionDetectionMiddleware');
  client.middlewareStack.remove('getUserAgentMiddleware');
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> } | undefined;
      if (request?.headers) {
        request.headers['user-agent'] = USER_AGENT;
        request.headers['x-amz-user-agent'] = X_AMZ_USER_AGENT;
      }
      return next(args);
    },
    { step: 'build', name: 'campaignGatewayUserAgent', priority: 'low' },
  );
  reuseSigners(client);
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
          end({ outcome: isCampaignException(name) ? name : 'error' });
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
