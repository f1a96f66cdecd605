import { randomBytes } from 'node:crypto';

/**
 * The gateway's configuration, read and checked once at start. Nothing else reads process.env
 * (the AWS SDK reads its own standard variables: AWS_REGION, AWS_ENDPOINT_URL_*, credentials, ...).
 */
export type Backend = 'aws' | 'emulator';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** `otlp`: spans exported over OTLP/HTTP; `off`: OpenTelemetry is not even loaded. */
export type Tracing = 'off' | 'otlp';

export type AuthConfig =
  | { mode: 'none' }
  | { mode: 'jwt'; jwksUrl: string; issuer: string; audience: string };

export interface Config {
  production: boolean;
  port: number;
  host: string;
  backend: Backend;
  auth: AuthConfig;
  /** Scope a caller needs for startCampaign and resumeCampaign (from the `scope` string or `scp` array claim). */
  startScope: string;
  /** Scope a caller needs for pauseCampaign and stopCampaign. */
  stopScope: string;
  /**
   * Whether the published SDL declares @authenticated / @requiresScopes for a router to enforce.
   * Off for an @apollo/gateway (JS) supergraph, which refuses security features it cannot enforce.
   * The subgraph enforces the same rules either way.
   */
  schemaAuthDirectives: boolean;
  maxStartsPerOperation: number;
  /**
   * Most AWS calls one GraphQL request may send (retries of a call not counted). Requests whose
   * cost can be known ahead are refused over it before any call; the rest stop at it.
   */
  maxAwsCallsPerRequest: number;
  /** Most `_entities` representations one request may hold. */
  maxEntityRepresentations: number;
  logLevel: LogLevel;
  /**
   * On SIGTERM, how long /readyz answers 503 while requests are still accepted, so a load
   * balancer stops routing here before the server stops listening.
   */
  shutdownDelayMs: number;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** How long a client may take to send what it sends; see README, "Slow clients". */
  http: {
    /** From the connection (or the end of the previous request) to the last header line. */
    headersTimeoutMs: number;
    /** From the end of the headers to the last byte of the body; past it, 408 and the connection closes. */
    bodyTimeoutMs: number;
    /** How long an idle keep-alive connection stays open between requests. */
    keepAliveTimeoutMs: number;
  };
  /** Where /metrics is served on its own (not on PORT); undefined serves it on PORT. */
  metricsPort: number | undefined;
  /**
   * Key of the HMAC that authenticates list cursors. Random at each start unless CURSOR_SECRET
   * sets it: cursors then survive restarts and are shared by every replica.
   */
  cursorSecret: Buffer;
  /** Whether `cursorSecret` was drawn at random for this process (no CURSOR_SECRET). */
  cursorSecretIsRandom: boolean;
  /**
   * Opt-in by the standard OTEL_* variables. The OpenTelemetry SDK reads the rest of them itself
   * (endpoint, headers, service name, sampler, batching), as the AWS SDK does AWS_*.
   */
  tracing: Tracing;
  upstream: {
    /** Per-attempt limit on one AWS HTTP request; past it the attempt fails (and may be retried). */
    requestTimeoutMs: number;
    /** Limit on opening a TCP/TLS connection to AWS. */
    connectTimeoutMs: number;
    /**
     * Overall limit on the AWS work of one GraphQL request, retries and back-off included; AWS
     * calls still running then are aborted.
     */
    deadlineMs: number;
    /** Consecutive AWS operations that get no answer at all before the circuit opens. */
    breakerFailures: number;
    /** How long an open circuit fails calls at once before one trial call is let through. */
    breakerOpenMs: number;
    /** With CAMPAIGNS_BACKEND=aws, how long resolving credentials at start (and each retry) may take. */
    credentialsTimeoutMs: number;
    /**
     * How long a successful AWS read (state, description, list page) is reused by every request of
     * this process; reads in flight are shared too. 0 turns both off.
     */
    readCacheMaxAgeMs: number;
    /** Most read answers kept (least recently used dropped first). */
    readCacheMaxEntries: number;
  };
  /** Shared state across replicas; unset `url`: everything in-process. */
  redis: {
    /** REDIS_URL (`redis://` or `rediss://`, user and password in the URL); undefined: no Redis. */
    url: string | undefined;
    /** Prefix of every key and channel, so one Redis can serve several deployments. */
    keyPrefix: string;
  };
  /** Live campaign states (the `campaignStateChanged` subscription); see docs/subscriptions.md. */
  live: {
    /** Most campaign ids one subscription may watch. */
    maxIdsPerSubscription: number;
    /** Most subscriptions one WebSocket connection may hold at once (an SSE connection holds one). */
    maxSubscriptionsPerConnection: number;
    /** Shortest time between two polls of the same campaign. */
    pollIntervalMs: number;
    /** Most GetCampaignStateBatch calls per second the fleet's poller makes (the share of the AWS quota it may read with). */
    pollCallsPerSecond: number;
    /** How long the poller's lease lives unrenewed: a dead replica's polls are taken over within it. */
    leaseMs: number;
    /** WebSocket ping interval (graphql-ws); below the idle timeout of every load balancer in front. */
    keepAliveMs: number;
  };
  /** Limits on one GraphQL operation, checked before anything runs (see src/graphql/limits). */
  limits: {
    depth: number;
    aliases: number;
    directives: number;
    tokens: number;
    cost: number;
  };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T | undefined): T {
  const value = read(env, name);
  if (value === undefined) {
    if (fallback === undefined) throw new ConfigError(name, `must be set to one of ${allowed.join(', ')}`);
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return n;
}

function required(env: Env, name: string, why: string): string {
  const value = read(env, name);
  if (value === undefined) throw new ConfigError(name, `must be set ${why}`);
  return value;
}

function url(env: Env, name: string, why: string): string {
  const value = required(env, name, why);
  try {
    new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute URL (got "${value}")`);
  }
  return value;
}

/**
 * On when OTEL_TRACES_EXPORTER=otlp, or when an OTLP endpoint is set and OTEL_TRACES_EXPORTER
 * is unset; off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
 */
function tracing(env: Env): Tracing {
  if (read(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return 'off';
  const endpointSet = read(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? read(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const exporter = oneOf(env, 'OTEL_TRACES_EXPORTER', ['otlp', 'none'] as const, endpointSet ? 'otlp' : 'none');
  if (exporter === 'none') return 'off';
  // The bundled exporter sends OTLP/HTTP with JSON bodies (the OpenTelemetry Collector takes both
  // encodings on 4318); a gRPC receiver would never understand it, so say so at start.
  const protocolVariable = read(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  if (read(env, protocolVariable) === 'grpc') {
    throw new ConfigError(protocolVariable, 'grpc is not supported; use http/json or http/protobuf (OTLP/HTTP, port 4318)');
  }
  return 'otlp';
}

/** CURSOR_SECRET, when set, must be long enough to be a key (32+ characters); else a random key. */
function cursorSecret(env: Env): Buffer {
  const value = read(env, 'CURSOR_SECRET');
  if (value === undefined) return randomBytes(32);
  if (value.length < 32) throw new ConfigError('CURSOR_SECRET', `must be at least 32 characters (got ${value.length})`);
  return Buffer.from(value, 'utf8');
}

/** REDIS_URL: `redis://` or `rediss://` (TLS), credentials and database in the URL. */
function redisUrl(env: Env): string | undefined {
  const value = read(env, 'REDIS_URL');
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const production = read(env, 'NODE_ENV') === 'production';
  const authMode = oneOf(env, 'AUTH_MODE', ['jwt', 'none'] as const, production ? undefined : 'none');
  const auth: AuthConfig =
    authMode === 'jwt'
      ? {
          mode: 'jwt',
          jwksUrl: url(env, 'AUTH_JWKS_URL', 'when AUTH_MODE=jwt'),
          issuer: required(env, 'AUTH_ISSUER', 'when AUTH_MODE=jwt'),
          audience: required(env, 'AUTH_AUDIENCE', 'when AUTH_MODE=jwt'),
        }
      : { mode: 'none' };
  return {
    production,
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: read(env, 'HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'),
    backend: oneOf(env, 'CAMPAIGNS_BACKEND', ['aws', 'emulator'] as const, production ? 'aws' : 'emulator'),
    auth,
    startScope: read(env, 'AUTH_START_SCOPE') ?? 'campaigns:start',
    stopScope: read(env, 'AUTH_STOP_SCOPE') ?? 'campaigns:stop',
    schemaAuthDirectives: oneOf(env, 'SCHEMA_AUTH_DIRECTIVES', ['on', 'off'] as const, 'on') === 'on',
    maxStartsPerOperation: integer(env, 'MAX_STARTS_PER_OPERATION', 10, 1, 1000),
    maxAwsCallsPerRequest: integer(env, 'MAX_AWS_CALLS_PER_REQUEST', 100, 1, 10_000),
    maxEntityRepresentations: integer(env, 'MAX_ENTITY_REPRESENTATIONS', 500, 1, 10_000),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    shutdownDelayMs: integer(env, 'SHUTDOWN_DELAY_MS', 0, 0, 60_000),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    http: {
      headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 120_000),
      bodyTimeoutMs: integer(env, 'BODY_TIMEOUT_MS', 10_000, 100, 120_000),
      keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 65_000, 1000, 600_000),
    },
    metricsPort: read(env, 'METRICS_PORT') === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535),
    cursorSecret: cursorSecret(env),
    cursorSecretIsRandom: read(env, 'CURSOR_SECRET') === undefined,
    tracing: tracing(env),
    upstream: {
      requestTimeoutMs: integer(env, 'UPSTREAM_REQUEST_TIMEOUT_MS', 3000, 1, 120_000),
      connectTimeoutMs: integer(env, 'UPSTREAM_CONNECT_TIMEOUT_MS', 1000, 1, 60_000),
      deadlineMs: integer(env, 'UPSTREAM_DEADLINE_MS', 10_000, 1, 300_000),
      breakerFailures: integer(env, 'UPSTREAM_BREAKER_FAILURES', 5, 1, 1000),
      breakerOpenMs: integer(env, 'UPSTREAM_BREAKER_OPEN_MS', 5000, 1, 600_000),
      credentialsTimeoutMs: integer(env, 'UPSTREAM_CREDENTIALS_TIMEOUT_MS', 5000, 1, 60_000),
      readCacheMaxAgeMs: integer(env, 'READ_CACHE_MAX_AGE_MS', 1000, 0, 60_000),
      readCacheMaxEntries: integer(env, 'READ_CACHE_MAX_ENTRIES', 10_000, 1, 1_000_000),
    },
    redis: {
      url: redisUrl(env),
      keyPrefix: read(env, 'REDIS_KEY_PREFIX') ?? 'campaign-gateway:',
    },
    live: {
      maxIdsPerSubscription: integer(env, 'MAX_SUBSCRIPTION_IDS', 100, 1, 1000),
      maxSubscriptionsPerConnection: integer(env, 'MAX_SUBSCRIPTIONS_PER_CONNECTION', 10, 1, 1000),
      pollIntervalMs: integer(env, 'LIVE_POLL_INTERVAL_MS', 2000, 100, 600_000),
      pollCallsPerSecond: integer(env, 'LIVE_POLL_CALLS_PER_SECOND', 1, 1, 1000),
      leaseMs: integer(env, 'LIVE_LEASE_MS', 3000, 500, 60_000),
      keepAliveMs: integer(env, 'SUBSCRIPTION_KEEPALIVE_MS', 12_000, 1000, 300_000),
    },
    limits: {
      depth: integer(env, 'MAX_QUERY_DEPTH', 6, 1, 100),
      aliases: integer(env, 'MAX_QUERY_ALIASES', 15, 0, 1000),
      directives: integer(env, 'MAX_QUERY_DIRECTIVES', 10, 0, 1000),
      tokens: integer(env, 'MAX_QUERY_TOKENS', 1000, 10, 100_000),
      cost: integer(env, 'MAX_QUERY_COST', 5000, 1, 1_000_000),
    },
  };
}
