import { randomBytes } from 'node:crypto';

/**
 * The gateway's configuration, read and checked once at start. Nothing else reads process.env
 * (the AWS SDK reads its own standard variables: AWS_REGION, AWS_ENDPOINT_URL_*, credentials, ...).
 *
 * Every setting is declared once, in SETTINGS below: its variable, type, default, meaning and
 * validation. `loadConfig` reads them all and reports every bad one at once; docs/configuration.md
 * and .env.example are written from the same table (`npm run settings:write`, checked by a test).
 */
export type Backend = 'aws' | 'emulator';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** `otlp`: spans exported over OTLP/HTTP; `off`: OpenTelemetry is not even loaded. */
export type Tracing = 'off' | 'otlp';

export type AuthConfig =
  | { mode: 'none' }
  | { mode: 'jwt'; jwksUrl: string; issuer: string; audience: string };

/** The settings as the code uses them; each field's meaning is its variable's row in SETTINGS. */
export interface Config {
  /** NODE_ENV=production */
  production: boolean;
  port: number;
  host: string;
  backend: Backend;
  /** With CAMPAIGNS_BACKEND=emulator: EMULATOR_PORT. */
  emulatorPort: number;
  auth: AuthConfig;
  startScope: string;
  stopScope: string;
  schemaAuthDirectives: boolean;
  maxStartsPerOperation: number;
  maxAwsCallsPerRequest: number;
  maxEntityRepresentations: number;
  logLevel: LogLevel;
  shutdownDelayMs: number;
  bodyLimitBytes: number;
  http: {
    headersTimeoutMs: number;
    bodyTimeoutMs: number;
    keepAliveTimeoutMs: number;
  };
  /** Undefined serves /metrics on PORT. */
  metricsPort: number | undefined;
  cursorSecret: Buffer;
  /** Whether `cursorSecret` was drawn at random for this process (no CURSOR_SECRET). */
  cursorSecretIsRandom: boolean;
  tracing: Tracing;
  upstream: {
    requestTimeoutMs: number;
    connectTimeoutMs: number;
    deadlineMs: number;
    breakerFailures: number;
    breakerOpenMs: number;
    credentialsTimeoutMs: number;
    readCacheMaxAgeMs: number;
    readCacheMaxEntries: number;
    /** Most bytes the kept read answers take (estimated from their JSON; least recently used dropped first). */
    readCacheMaxBytes: number;
    /** Oldest a kept answer may be and still be served while the AWS call rate is spent (docs/reads.md). */
    readStaleMaxAgeMs: number;
  };
  /** The AWS call governor (docs/quota.md): one rate for every replica and every Campaigns operation. */
  quota: {
    /** Calls per second all replicas together may make (the account's quota, less what other tools use). */
    callsPerSecond: number;
    /** Most calls at once after a quiet spell. */
    burst: number;
    /** Tokens reads never take, kept for actions (stop and pause first); less than `burst`. */
    reserve: number;
    /**
     * Replicas sharing the rate without Redis: each spends 1/`replicas` of it. With Redis, the share
     * one replica spends while Redis is unavailable.
     */
    replicas: number;
  };
  /** Redis shared by the replicas (the governor's bucket, the read cache); undefined runs all of it in-process. */
  redis:
    | {
        /** `redis://` or `rediss://` (TLS), with user and password when AUTH is on. */
        url: string;
        /** Before every key, so one Redis can serve several deployments. */
        keyPrefix: string;
        /** Past this a Redis command counts as failed, and the replica does without Redis. */
        commandTimeoutMs: number;
      }
    | undefined;
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

export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** The configuration cannot be used: every problem found, each naming its variable. */
export class ConfigError extends Error {
  /** The first problem's variable. */
  readonly variable: string;
  readonly problems: readonly ConfigProblem[];
  constructor(variable: string, problem: string, ...more: ConfigProblem[]) {
    const problems = [{ variable, problem }, ...more];
    super(problems.map((p) => `${p.variable}: ${p.problem}`).join('; '));
    this.name = 'ConfigError';
    this.variable = variable;
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** What a value's default may depend on. */
interface Mode {
  production: boolean;
}

/** A default that differs in production (`production` undefined: must be set there). */
type Default<T> = T | { development: T; production: T | undefined };

/** One setting: its documentation, and how its variable's text (undefined when unset) is read. */
export interface Setting<T = unknown> {
  /** The kind of value, as the docs name it. */
  readonly type: string;
  /** What it does, in the docs' words (Markdown). */
  readonly meaning: string;
  /** The default, as the docs state it (empty when there is none). */
  readonly defaultText: string;
  /** The default outside production as the variable's text (.env.example); empty when unset. */
  readonly example: string;
  /** The value, or throws `Invalid` with what is wrong. */
  read(text: string | undefined, mode: Mode): T;
}

class Invalid extends Error {}

function defaultFor<T>(fallback: Default<T> | undefined, mode: Mode): T | undefined {
  if (typeof fallback === 'object' && fallback !== null && 'development' in fallback) return mode.production ? fallback.production : fallback.development;
  return fallback;
}

function describeDefault<T>(fallback: Default<T> | undefined, show: (value: T) => string = (value) => `\`${String(value)}\``): string {
  if (fallback === undefined) return '';
  if (typeof fallback === 'object' && fallback !== null && 'development' in fallback) {
    return fallback.production === undefined
      ? `${show(fallback.development)}; must be set in production`
      : `${show(fallback.development)}, or ${show(fallback.production)} in production`;
  }
  return show(fallback);
}

/** A whole number (or, with `decimals`, any non-negative number) from `min` to `max`. */
function numberSetting(meaning: string, fallback: number, min: number, max: number, decimals: boolean): Setting<number> {
  const kind = decimals ? 'number' : 'whole number';
  const pattern = decimals ? /^\d+(\.\d+)?$/ : /^\d+$/;
  return {
    type: `${kind}, ${min} to ${max}`,
    meaning,
    defaultText: `\`${fallback}\``,
    example: String(fallback),
    read(text) {
      if (text === undefined) return fallback;
      const n = Number(text);
      if (!pattern.test(text) || !Number.isFinite(n) || (!decimals && !Number.isSafeInteger(n)) || n < min || n > max) {
        throw new Invalid(`must be a ${kind} from ${min} to ${max} (got "${text}")`);
      }
      return n;
    },
  };
}

const integer = (meaning: string, fallback: number, min: number, max: number): Setting<number> => numberSetting(meaning, fallback, min, max, false);
const decimal = (meaning: string, fallback: number, min: number, max: number): Setting<number> => numberSetting(meaning, fallback, min, max, true);

/** A `redis://` or `rediss://` URL; never echoed in a problem, since it may hold a password. */
function redisUrl(meaning: string): Setting<string | undefined> {
  return {
    type: '`redis://` or `rediss://` URL',
    meaning,
    defaultText: 'unset',
    example: '',
    read(value) {
      if (value === undefined) return undefined;
      if (!/^rediss?:\/\//.test(value)) throw new Invalid('must start with redis:// or rediss:// (TLS)');
      try {
        new URL(value);
      } catch {
        throw new Invalid('must be a URL such as rediss://user:password@host:6379');
      }
      return value;
    },
  };
}

/** An integer that may be left unset (its absence means something: `unset` says what). */
function optionalInteger(meaning: string, unset: string, min: number, max: number): Setting<number | undefined> {
  const { read, type } = integer(meaning, 0, min, max);
  return { type, meaning, defaultText: unset, example: '', read: (text, mode) => (text === undefined ? undefined : read(text, mode)) };
}

function oneOf<const T extends string>(meaning: string, allowed: readonly T[], fallback: Default<T>): Setting<T>;
function oneOf<const T extends string>(meaning: string, allowed: readonly T[], fallback?: undefined, defaultText?: string): Setting<T | undefined>;
function oneOf<const T extends string>(meaning: string, allowed: readonly T[], fallback?: Default<T>, defaultText?: string): Setting<T | undefined> {
  return {
    type: `one of ${allowed.map((value) => `\`${value}\``).join(', ')}`,
    meaning,
    defaultText: defaultText ?? describeDefault(fallback),
    example: defaultFor(fallback, { production: false }) ?? '',
    read(text, mode) {
      if (text === undefined) {
        const value = defaultFor(fallback, mode);
        if (value === undefined && fallback !== undefined) throw new Invalid(`must be set to one of ${allowed.join(', ')}`);
        return value;
      }
      if (!(allowed as readonly string[]).includes(text)) throw new Invalid(`must be one of ${allowed.join(', ')} (got "${text}")`);
      return text as T;
    },
  };
}

function text(meaning: string, fallback: Default<string>): Setting<string>;
function text(meaning: string, fallback?: undefined, defaultText?: string): Setting<string | undefined>;
function text(meaning: string, fallback?: Default<string>, defaultText?: string): Setting<string | undefined> {
  return {
    type: 'text',
    meaning,
    defaultText: defaultText ?? describeDefault(fallback),
    example: defaultFor(fallback, { production: false }) ?? '',
    read: (value, mode) => value ?? defaultFor(fallback, mode),
  };
}

function url(meaning: string): Setting<string | undefined> {
  return {
    type: 'absolute URL',
    meaning,
    defaultText: '',
    example: '',
    read(value) {
      if (value === undefined) return undefined;
      try {
        new URL(value);
      } catch {
        throw new Invalid(`must be an absolute URL (got "${value}")`);
      }
      return value;
    },
  };
}

function secret(meaning: string, minLength: number, unset: string): Setting<string | undefined> {
  return {
    type: `secret, ${minLength}+ characters`,
    meaning,
    defaultText: unset,
    example: '',
    read(value) {
      if (value !== undefined && value.length < minLength) throw new Invalid(`must be at least ${minLength} characters (got ${value.length})`);
      return value;
    },
  };
}

/** `true` or `false`, in any case (as the OpenTelemetry specification reads its booleans). */
function flag(meaning: string, fallback: boolean): Setting<boolean> {
  return {
    type: '`true` or `false`',
    meaning,
    defaultText: `\`${fallback}\``,
    example: String(fallback),
    read(value) {
      if (value === undefined) return fallback;
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw new Invalid(`must be true or false (got "${value}")`);
      return lower === 'true';
    },
  };
}

/** A variable read by a library the gateway loads (the AWS or OpenTelemetry SDK), listed for the docs. */
function readBy(library: string, meaning: string): Setting<undefined> {
  return { type: `read by the ${library}`, meaning, defaultText: `the ${library}'s`, example: '', read: () => undefined };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every setting, in the order the docs list them. To add one: a row here, a field in Config, and
 * a line in `loadConfig`'s result; then `npm run settings:write` rewrites the docs table and
 * .env.example.
 */
export const SETTINGS = {
  NODE_ENV: text('`production` turns off the explorer, Sandbox, introspection and stack traces, and changes the defaults marked "in production"', undefined),
  PORT: integer('port to listen on (`0`: any free port)', 4000, 0, 65535),
  HOST: text('address to listen on', { development: '127.0.0.1', production: '0.0.0.0' }),
  CAMPAIGNS_BACKEND: oneOf('`aws`, or `emulator` (the bundled local emulator, seeded with demo campaigns)', ['aws', 'emulator'], { development: 'emulator', production: 'aws' }),
  EMULATOR_PORT: integer("with `CAMPAIGNS_BACKEND=emulator`, the loopback port of the bundled emulator (AWS's API and its control API under `/__emulator/`); `0`: any free port", 4010, 0, 65535),
  AUTH_MODE: oneOf('`jwt` (bearer JWTs) or `none` (every caller is "anonymous" with every scope)', ['jwt', 'none'], { development: 'none', production: undefined }),
  AUTH_JWKS_URL: url('with `AUTH_MODE=jwt` (required there): the identity provider\'s JSON Web Key Set'),
  AUTH_ISSUER: text('with `AUTH_MODE=jwt` (required there): the `iss` tokens must carry'),
  AUTH_AUDIENCE: text('with `AUTH_MODE=jwt` (required there): the `aud` tokens must carry'),
  AUTH_START_SCOPE: text('scope needed for `startCampaign` and `resumeCampaign` (they dial customers)', 'campaigns:start'),
  AUTH_STOP_SCOPE: text('scope needed for `pauseCampaign` and `stopCampaign` (they halt dialling)', 'campaigns:stop'),
  SCHEMA_AUTH_DIRECTIVES: oneOf('`on`: the SDL declares `@authenticated` / `@requiresScopes` for a router to enforce; `off` for an `@apollo/gateway` supergraph, which refuses security features it cannot enforce (the subgraph enforces the same rules either way)', ['on', 'off'], 'on'),
  MAX_STARTS_PER_OPERATION: integer('most `startCampaign` + `resumeCampaign` selections (what dials) in one operation; pause and stop are not counted', 10, 1, 1000),
  MAX_AWS_CALLS_PER_REQUEST: integer('most AWS calls one GraphQL request may make (retries of a call not counted); requests whose cost is known ahead are refused over it before any call, the rest stop at it', 100, 1, 10_000),
  MAX_ENTITY_REPRESENTATIONS: integer('most `_entities` representations in one request', 500, 1, 10_000),
  MAX_QUERY_DEPTH: integer('deepest field nesting one operation may have', 6, 1, 100),
  MAX_QUERY_ALIASES: integer('most aliases in one operation', 15, 0, 1000),
  MAX_QUERY_DIRECTIVES: integer('most directives in one operation', 10, 0, 1000),
  MAX_QUERY_TOKENS: integer('most tokens in one operation\'s text', 1000, 10, 100_000),
  MAX_QUERY_COST: integer('highest cost of one operation (fields and lists weighed)', 5000, 1, 1_000_000),
  LOG_LEVEL: oneOf('pino level of the JSON log lines', LOG_LEVELS, 'info'),
  UPSTREAM_REQUEST_TIMEOUT_MS: integer('limit on each AWS HTTP attempt, from sending to the last byte of the answer; past it the attempt fails (and may be retried)', 3000, 1, 120_000),
  UPSTREAM_CONNECT_TIMEOUT_MS: integer('limit on opening a TCP/TLS connection to AWS', 1000, 1, 60_000),
  UPSTREAM_DEADLINE_MS: integer('limit on all the AWS work of one GraphQL request, retries and back-off included, counted from the request’s arrival (its body and token check count against it); AWS calls still running then are aborted, and the drain at shutdown waits on it', 10_000, 1, 300_000),
  UPSTREAM_BREAKER_FAILURES: integer('consecutive AWS operations without any answer before the circuit opens', 5, 1, 1000),
  UPSTREAM_BREAKER_OPEN_MS: integer('how long an open circuit fails calls at once before one trial call is let through', 5000, 1, 600_000),
  UPSTREAM_CREDENTIALS_TIMEOUT_MS: integer('with `CAMPAIGNS_BACKEND=aws`, how long resolving AWS credentials may take at start (and on each retry) before the gateway starts not ready', 5000, 1, 60_000),
  READ_CACHE_MAX_AGE_MS: integer('how long a successful AWS read (state, description, list page) is reused by every request of the process; reads in flight are shared too; `0` turns both off', 1000, 0, 60_000),
  READ_CACHE_MAX_ENTRIES: integer('most read answers kept (least recently used dropped first)', 10_000, 1, 1_000_000),
  READ_CACHE_MAX_BYTES: integer('most bytes the kept read answers take in each process (estimated from their JSON; least recently used dropped first)', 16 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
  READ_STALE_MAX_AGE_MS: integer('oldest a kept state, description or first list page may be and still be answered while the AWS call rate is spent (the answer’s `stateAsOf` says its age); see [reads](reads.md)', 300_000, 0, 3_600_000),
  AWS_CALLS_PER_SECOND: decimal('AWS calls per second all replicas together may make, every Campaigns operation together (size it from the account’s Service Quotas, less what other tools use; decimals allowed); see [the quota](quota.md)', 2, 0.01, 100_000),
  AWS_CALLS_BURST: integer('most AWS calls at once after a quiet spell, all replicas together', 5, 1, 100_000),
  AWS_CALLS_RESERVE: optionalInteger('tokens of the burst reads never take, kept for actions (stop and pause first), of which one is headroom nobody takes when the reserve is 2 or more; less than `AWS_CALLS_BURST`', '`3` (at most `AWS_CALLS_BURST` - 1)', 0, 100_000),
  AWS_CALLS_REPLICAS: integer('replicas sharing the rate without Redis: each spends 1/N of it; with `REDIS_URL`, the share a replica spends while Redis is unreachable', 1, 1, 1000),
  REDIS_URL: redisUrl('with `user:password@` for AUTH: the replicas share the AWS call rate, the read cache, the states their actions cause and the live-state polls through it; unset: all in-process'),
  REDIS_KEY_PREFIX: text('prefix of every Redis key the gateway writes, so one Redis can serve several deployments', 'campaign-gateway:'),
  REDIS_COMMAND_TIMEOUT_MS: integer('longest wait for one Redis command; past it the replica goes on without Redis (its share of the AWS call rate, its in-process read copy)', 250, 1, 10_000),
  MAX_SUBSCRIPTION_IDS: integer('most campaign ids one `campaignStateChanged` subscription may watch ([subscriptions](subscriptions.md))', 100, 1, 1000),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: integer('most subscriptions one WebSocket connection may hold at once (an SSE connection holds one)', 10, 1, 1000),
  LIVE_POLL_INTERVAL_MS: integer('shortest time between two polls of a watched campaign’s state (one poll for the whole fleet)', 2000, 100, 600_000),
  LIVE_POLL_CALLS_PER_SECOND: integer('most `GetCampaignStateBatch` calls per second the fleet’s live-state poller makes (25 campaigns a call, as `refresh` calls of the AWS quota); more campaigns than that covers slow every campaign’s refresh alike', 1, 1, 1000),
  LIVE_LEASE_MS: integer('life of the poller’s lease: polling resumes on another replica within it (plus a third) when the polling replica dies', 3000, 500, 60_000),
  SUBSCRIPTION_KEEPALIVE_MS: integer('WebSocket ping interval; a client that misses a ping for as long again is dropped. Below every load balancer’s idle timeout (SSE streams get a comment every 12 s)', 12_000, 1000, 300_000),
  BODY_LIMIT_BYTES: integer('largest request body', 1024 * 1024, 1024, 64 * 1024 * 1024),
  BODY_TIMEOUT_MS: integer('time a request body may take to arrive after its headers; past it 408 and the connection closes', 10_000, 100, 120_000),
  HEADERS_TIMEOUT_MS: integer("time a request's headers may take to arrive (Node's `headersTimeout`); Node's `requestTimeout` is this plus `BODY_TIMEOUT_MS`", 10_000, 100, 120_000),
  KEEP_ALIVE_TIMEOUT_MS: integer('how long an idle keep-alive connection stays open; above the idle timeout of a load balancer in front that reuses connections (60 s for AWS ALB and nginx)', 65_000, 1000, 600_000),
  CURSOR_SECRET: secret('key of the HMAC on list cursors; set the same on every replica. Unset: random at each start, so a restart invalidates earlier cursors (in production a `cursor.key.random` warning says so at start)', 32, 'random'),
  METRICS_PORT: optionalInteger('serve `/metrics` on this port (same `HOST`) instead of `PORT`, so it need not be exposed with the API', 'unset: on `PORT`', 0, 65535),
  SHUTDOWN_DELAY_MS: integer('on SIGTERM, how long `/readyz` answers 503 while requests are still accepted, so a load balancer stops routing here before the server stops listening', 0, 0, 60_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: url('OTLP/HTTP collector (e.g. `http://collector:4318`); setting it turns tracing on'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url('OTLP/HTTP endpoint for traces alone; setting it turns tracing on'),
  OTEL_TRACES_EXPORTER: oneOf('`otlp` turns tracing on (at the SDK\'s default endpoint when none is set); `none` turns it off', ['otlp', 'none'], undefined, '`otlp` when an OTLP endpoint is set, else `none`'),
  OTEL_SDK_DISABLED: flag('`true` turns tracing off whatever else is set', false),
  OTEL_EXPORTER_OTLP_PROTOCOL: oneOf('OTLP encoding; spans go over OTLP/HTTP, so `grpc` is refused when tracing is on', ['http/json', 'http/protobuf', 'grpc'], undefined, '`http/protobuf`'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: oneOf('`OTEL_EXPORTER_OTLP_PROTOCOL` for traces alone', ['http/json', 'http/protobuf', 'grpc'], undefined, '`OTEL_EXPORTER_OTLP_PROTOCOL`'),
  OTEL_SERVICE_NAME: readBy('OpenTelemetry SDK', 'service name on spans (and the other standard `OTEL_*` variables: headers, sampler, batching)'),
  AWS_REGION: readBy('AWS SDK', 'with `CAMPAIGNS_BACKEND=aws`, the region (required; or from the profile); `AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2`, `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, `AWS_PROFILE` and credentials are read by the SDK too, as in any AWS SDK program'),
} satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
type Values = { [K in SettingName]: ReturnType<(typeof SETTINGS)[K]['read']> };

/** A variable's text: trimmed, and undefined when unset or blank. */
function textOf(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Reads every setting; each bad one adds a problem instead of stopping the rest. */
function readSettings(env: Env, mode: Mode, problems: ConfigProblem[]): Values {
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[SettingName, Setting]>) {
    try {
      values[name] = setting.read(textOf(env, name), mode);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      problems.push({ variable: name, problem: err.message });
    }
  }
  return values as Values;
}

function authConfig(values: Values, problems: ConfigProblem[]): AuthConfig {
  if (values.AUTH_MODE !== 'jwt') return { mode: 'none' };
  const needed = (name: 'AUTH_JWKS_URL' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE'): string => {
    // A bad value was reported already; only a missing one is reported here.
    if (values[name] === undefined && !problems.some((p) => p.variable === name)) problems.push({ variable: name, problem: 'must be set when AUTH_MODE=jwt' });
    return values[name] ?? '';
  };
  return { mode: 'jwt', jwksUrl: needed('AUTH_JWKS_URL'), issuer: needed('AUTH_ISSUER'), audience: needed('AUTH_AUDIENCE') };
}

/** The governor's rate; the reserve must leave reads at least one token of the burst. */
function quotaOf(values: Values, problems: ConfigProblem[]): Config['quota'] {
  const burst = values.AWS_CALLS_BURST;
  const reserve = values.AWS_CALLS_RESERVE ?? Math.min(3, burst - 1);
  if (reserve >= burst) problems.push({ variable: 'AWS_CALLS_RESERVE', problem: `must be less than AWS_CALLS_BURST (${burst}), or reads never get a token` });
  return { callsPerSecond: values.AWS_CALLS_PER_SECOND, burst, reserve, replicas: values.AWS_CALLS_REPLICAS };
}

/**
 * On when OTEL_TRACES_EXPORTER=otlp, or when an OTLP endpoint is set and OTEL_TRACES_EXPORTER
 * is unset; off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
 */
function tracingOf(values: Values, problems: ConfigProblem[]): Tracing {
  if (values.OTEL_SDK_DISABLED) return 'off';
  const endpointSet = values.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? values.OTEL_EXPORTER_OTLP_ENDPOINT;
  if ((values.OTEL_TRACES_EXPORTER ?? (endpointSet ? 'otlp' : 'none')) === 'none') return 'off';
  // The bundled exporter sends OTLP/HTTP (the OpenTelemetry Collector takes both encodings on
  // 4318); a gRPC receiver would never understand it, so say so at start.
  const protocolVariable = values.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  if (values[protocolVariable] === 'grpc') {
    problems.push({ variable: protocolVariable, problem: 'grpc is not supported; use http/json or http/protobuf (OTLP/HTTP, port 4318)' });
  }
  return 'otlp';
}

export function loadConfig(env: Env = process.env): Config {
  const production = textOf(env, 'NODE_ENV') === 'production';
  const problems: ConfigProblem[] = [];
  const v = readSettings(env, { production }, problems);
  const auth = authConfig(v, problems);
  const tracing = tracingOf(v, problems);
  const quota = quotaOf(v, problems);
  const [first, ...more] = problems;
  if (first) throw new ConfigError(first.variable, first.problem, ...more);
  return {
    production,
    port: v.PORT,
    host: v.HOST,
    backend: v.CAMPAIGNS_BACKEND,
    emulatorPort: v.EMULATOR_PORT,
    auth,
    startScope: v.AUTH_START_SCOPE,
    stopScope: v.AUTH_STOP_SCOPE,
    schemaAuthDirectives: v.SCHEMA_AUTH_DIRECTIVES === 'on',
    maxStartsPerOperation: v.MAX_STARTS_PER_OPERATION,
    maxAwsCallsPerRequest: v.MAX_AWS_CALLS_PER_REQUEST,
    maxEntityRepresentations: v.MAX_ENTITY_REPRESENTATIONS,
    logLevel: v.LOG_LEVEL,
    shutdownDelayMs: v.SHUTDOWN_DELAY_MS,
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    http: {
      headersTimeoutMs: v.HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: v.BODY_TIMEOUT_MS,
      keepAliveTimeoutMs: v.KEEP_ALIVE_TIMEOUT_MS,
    },
    metricsPort: v.METRICS_PORT,
    cursorSecret: v.CURSOR_SECRET === undefined ? randomBytes(32) : Buffer.from(v.CURSOR_SECRET, 'utf8'),
    cursorSecretIsRandom: v.CURSOR_SECRET === undefined,
    tracing,
    upstream: {
      requestTimeoutMs: v.UPSTREAM_REQUEST_TIMEOUT_MS,
      connectTimeoutMs: v.UPSTREAM_CONNECT_TIMEOUT_MS,
      deadlineMs: v.UPSTREAM_DEADLINE_MS,
      breakerFailures: v.UPSTREAM_BREAKER_FAILURES,
      breakerOpenMs: v.UPSTREAM_BREAKER_OPEN_MS,
      credentialsTimeoutMs: v.UPSTREAM_CREDENTIALS_TIMEOUT_MS,
      readCacheMaxAgeMs: v.READ_CACHE_MAX_AGE_MS,
      readCacheMaxEntries: v.READ_CACHE_MAX_ENTRIES,
      readCacheMaxBytes: v.READ_CACHE_MAX_BYTES,
      readStaleMaxAgeMs: v.READ_STALE_MAX_AGE_MS,
    },
    quota,
    redis: v.REDIS_URL === undefined ? undefined : { url: v.REDIS_URL, keyPrefix: v.REDIS_KEY_PREFIX, commandTimeoutMs: v.REDIS_COMMAND_TIMEOUT_MS },
    live: {
      maxIdsPerSubscription: v.MAX_SUBSCRIPTION_IDS,
      maxSubscriptionsPerConnection: v.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      pollIntervalMs: v.LIVE_POLL_INTERVAL_MS,
      pollCallsPerSecond: v.LIVE_POLL_CALLS_PER_SECOND,
      leaseMs: v.LIVE_LEASE_MS,
      keepAliveMs: v.SUBSCRIPTION_KEEPALIVE_MS,
    },
    limits: {
      depth: v.MAX_QUERY_DEPTH,
      aliases: v.MAX_QUERY_ALIASES,
      directives: v.MAX_QUERY_DIRECTIVES,
      tokens: v.MAX_QUERY_TOKENS,
      cost: v.MAX_QUERY_COST,
    },
  };
}
