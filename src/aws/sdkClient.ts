/**
 * The boundary's one SDK client, and every SDK internal it relies on beyond the public API (see
 * test/unit/sdkClient.test.ts, which fails when an SDK update changes one of them).
 */
import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { version as sdkVersion } from '@aws-sdk/client-connectcampaignsv2/package.json';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { getSchemaSerdePlugin } from '@smithy/core/schema';
import { AttemptBoundHttpHandler, attemptRecorder } from './attemptBounds';
import type { CampaignsClientOptions } from './campaignsClient';
import { Sha256 } from './sha256';

/** What the client is built from (documented on `CampaignsClientOptions`). */
export type SdkClientOptions = Pick<CampaignsClientOptions, 'connectTimeoutMs' | 'emulatorEndpoint' | 'maxAttempts' | 'retryDelayMs' | 'transportForBenchmarks'>;

/**
 * What the SDK's user-agent middleware sends, minus the parts it recomputes on every call (OS
 * release, per-call feature codes): AWS (and CloudTrail's userAgent) still see who is calling.
 */
const USER_AGENT = `aws-sdk-js/${sdkVersion} lang/js md/nodejs#${process.versions.node} api/connectcampaignsv2#${sdkVersion} app/campaign-gateway`;
const X_AMZ_USER_AGENT = `aws-sdk-js/${sdkVersion}`;

/** SDK steps that do nothing for this gateway but cost CPU on every call (see `buildSdkClient`). */
export const REMOVED_SDK_STEPS = ['loggerMiddleware', 'recursionDetectionMiddleware', 'getUserAgentMiddleware'] as const;

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

/**
 * The resolved client config is a dictionary-mode object (44 properties added a step at a time),
 * and the serializer, endpoint and deserializer steps each copy it (`{ ...config, ...context }`)
 * on every call; a copy with fast properties (accessors kept) is about half as dear to copy. The
 * endpoint step reads `client.config` when a command's handler is built; the serializer and
 * deserializer come from the client's schema serde plugin, which holds the config it was built
 * with, so that plugin is installed again with the copy (same step names: it replaces them).
 * The client's other steps keep the object they were built with; neither changes after this point.
 */
function useFastConfig(client: ConnectCampaignsV2Client): void {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(client.config)) as ConnectCampaignsV2Client['config'];
  (client as { config: typeof copy }).config = copy;
  client.middlewareStack.use(getSchemaSerdePlugin(copy as Parameters<typeof getSchemaSerdePlugin>[0]));
}

export function buildSdkClient(options: SdkClientOptions): ConnectCampaignsV2Client {
  const client = new ConnectCampaignsV2Client({
    // The middleware stack is resolved once per command class instead of on every call. That holds
    // only for calls sent without per-call options (so deadlines are not passed as `abortSignal`),
    // and one middleware context is then shared by all calls of a class (so per-call state is kept
    // by the command's input).
    cacheMiddleware: true,
    // The signer's hashes: the same digests, cheaper per call (see sha256.ts).
    sha256: Sha256,
    // Attempts are timed by the recorder over the whole answer; the handler bounds connecting.
    requestHandler: options.transportForBenchmarks ?? new AttemptBoundHttpHandler({ connectionTimeout: options.connectTimeoutMs }),
    // Retries stay the SDK's own (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE): standard mode spends a
    // shared retry quota, so a throttling storm stops being retried instead of being multiplied.
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
  // The SDK's logger step (no SDK logger is configured), Lambda's trace-id propagation (this is
  // not a Lambda), and a user agent rebuilt per call (replaced by a fixed one).
  for (const step of REMOVED_SDK_STEPS) {
    if (!client.middlewareStack.remove(step)) throw new Error(`the AWS SDK has no middleware ${step} any more: review sdkClient.ts`);
  }
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
  client.middlewareStack.use(attemptRecorder);
  useFastConfig(client);
  return client;
}
