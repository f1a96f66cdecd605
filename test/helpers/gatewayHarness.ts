import { Writable } from 'node:stream';
import { createEmulator, type Emulator, type ThrottleSpec } from '../../src/emulator';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { createMetrics, type Metrics } from '../../src/observability/metrics';
import { configuredClientOptions } from '../../src/aws/configuredOptions';
import { createCampaignsClient, type CampaignsClient } from '../../src/aws/campaignsClient';
import { createUpstreamBreaker } from '../../src/aws/circuitBreaker';
import { createGovernor } from '../../src/aws/governor';
import { watchBreaker } from '../../src/observability/breakerLog';
import { createAuthenticator } from '../../src/auth/authenticator';
import type { KeySetBackoff } from '../../src/auth/jwtVerifier';
import { createGateway, type Gateway } from '../../src/gateway';
import type { CircuitBreakerPolicy } from 'cockatiel';
import type { ReadStore } from '../../src/aws/readStore';

export interface GraphqlResponse<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: TData | null; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }> };
}

export interface Harness {
  url: string;
  emulator: Emulator;
  gateway: Gateway;
  metrics: Metrics;
  breaker: CircuitBreakerPolicy;
  /** The gateway's AWS boundary (wired as in production). */
  client: CampaignsClient;
  /** Every JSON log line the gateway wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  graphql<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphqlResponse<TData>>;
  /** GET /metrics, as Prometheus scrapes it. */
  scrapeMetrics(): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Environment the gateway's config is read from (the process's own is never used). */
  env?: Record<string, string>;
  /** SDK attempts per call; 1 keeps fault tests fast and their call counts exact. */
  maxAttempts?: number;
  /** A fixed back-off between SDK attempts (with `maxAttempts`), so retried faults stay fast. */
  retryDelayMs?: number;
  /** JWKS refetch cooldown (jwt mode); jose's 30 s default would make key rotation tests slow. */
  jwksCooldownMs?: number;
  /**
   * The AWS boundary's per-request budget, when it must differ from MAX_AWS_CALLS_PER_REQUEST (which
   * the up-front check uses): stands in for a cost the check could not know ahead.
   */
  boundaryMaxCalls?: number;
  /** Back-off after a failed key-set fetch (jwt mode); the gateway's default is 1 s growing to 30 s. */
  jwksBackoff?: KeySetBackoff;
  /** The emulator throttles the account at this rate (default: it does not). */
  emulatorThrottle?: ThrottleSpec;
  /** An emulator another harness already runs (several gateways, one AWS); it is left running on close. */
  emulator?: Emulator;
  /** Where the SDK sends its calls instead of the emulator itself (a proxy in front of it). */
  awsEndpoint?: (emulatorUrl: string) => string;
  /** The read store the replicas share (as REDIS_URL makes in production). */
  sharedStore?: ReadStore;
}

/** An AWS call rate no test reaches: the governor is on its path but never holds a call back. */
export const GENEROUS_AWS_RATE = { AWS_CALLS_PER_SECOND: '100000', AWS_CALLS_BURST: '100000' } as const;

/** The gateway and the emulator, both real HTTP servers on loopback, joined by the real AWS SDK. */
export async function startHarness({
  env = {},
  maxAttempts,
  retryDelayMs,
  jwksCooldownMs,
  boundaryMaxCalls,
  jwksBackoff,
  emulatorThrottle,
  emulator: sharedEmulator,
  awsEndpoint,
  sharedStore,
}: HarnessOptions = {}): Promise<Harness> {
  // Reads are not shared unless a test asks (READ_CACHE_MAX_AGE_MS): the emulator is reset between
  // tests, and answers kept from one test would be read by the next.
  // The governor runs as in production, at a rate no test reaches unless it asks for one
  // (AWS_CALLS_PER_SECOND, AWS_CALLS_BURST): the suite makes many AWS calls quickly.
  const config: Config = loadConfig({ LOG_LEVEL: 'info', READ_CACHE_MAX_AGE_MS: '0', ...GENEROUS_AWS_RATE, ...env });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const emulator = sharedEmulator ?? createEmulator({ seed: true, throttle: emulatorThrottle ?? null });
  const emulatorUrl = sharedEmulator ? sharedEmulator.url : await emulator.start(0, '127.0.0.1');
  const endpoint = awsEndpoint ? awsEndpoint(emulatorUrl) : emulatorUrl;
  const metrics = createMetrics();
  // Wired as src/main.ts does.
  const breaker = createUpstreamBreaker({ failures: config.upstream.breakerFailures, openMs: config.upstream.breakerOpenMs });
  watchBreaker(breaker, logger, metrics);
  const governor = createGovernor({
    quota: config.quota,
    replicas: config.quota.replicas,
    metrics: { tokens: metrics.awsTokens, tokenWait: metrics.awsTokenWait, throttles: metrics.awsThrottles, fleetRate: metrics.awsFleetRate },
  });
  const client = createCampaignsClient({
    ...configuredClientOptions(config, sharedStore),
    ...(boundaryMaxCalls !== undefined ? { maxCallsPerRequest: boundaryMaxCalls } : {}),
    emulatorEndpoint: endpoint,
    metrics,
    maxAttempts,
    retryDelayMs,
    breaker,
    governor,
  });
  const authenticate = createAuthenticator(
    config.auth,
    { ...(jwksCooldownMs !== undefined ? { cooldownMs: jwksCooldownMs } : {}), ...(jwksBackoff !== undefined ? { backoff: jwksBackoff } : {}) },
    logger,
  );
  const gateway = await createGateway({ config, logger, metrics, client, authenticate });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    url,
    emulator,
    gateway,
    metrics,
    breaker,
    client,
    logs,
    async graphql<TData>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as GraphqlResponse<TData>['body'] };
    },
    async scrapeMetrics() {
      const res = await fetch(url.replace(/\/graphql$/, '/metrics'));
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      return res.text();
    },
    async close() {
      await gateway.stop();
      client.destroy();
      if (!sharedEmulator) await emulator.stop();
    },
  };
}

/**
 * One harness for a whole test file: started before its tests, closed after, and reset (store,
 * faults, recorded calls) before each test. Call at the top level; use the returned getter in tests.
 */
export function useHarness(options: HarnessOptions = {}): () => Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(options);
  });
  afterAll(() => h?.close());
  beforeEach(() => {
    h?.emulator.store.reset();
    h?.emulator.faults.clear();
    h?.emulator.resetCalls();
  });
  return () => {
    if (!h) throw new Error('harness not started');
    return h;
  };
}
