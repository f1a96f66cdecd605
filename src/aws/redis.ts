/**
 * The process's one link to Redis (REDIS_URL), shared by the AWS call governor, the shared reads
 * and the live-state feed. TLS and AUTH come from the URL (`rediss://user:password@host:6379/0`).
 *
 * Redis being down or slow must never hold a call up: commands are not queued while disconnected
 * and time out after `commandTimeoutMs`, so a caller learns at once that it must do without Redis
 * (and does). One line is logged when Redis becomes unreachable and one when it is back.
 */
import { Redis } from 'ioredis';

/** Where the outage lines go (a pino logger fits). */
export interface RedisLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface RedisLinkOptions {
  url: string;
  /** Prepended to every key and channel, so one Redis can serve several deployments. */
  keyPrefix: string;
  /** Past this, a command counts as failed and the caller goes on without Redis. */
  commandTimeoutMs: number;
  log: RedisLog;
  /** `campaign_gateway_redis_available` (a prom-client Gauge fits). */
  availability?: { set(value: number): void };
}

export interface RedisLink {
  /** The command connection (no offline queue: a command while disconnected fails at once). */
  readonly client: Redis;
  /** `keyPrefix` + name. */
  key(name: string): string;
  /** Past this a command fails (`REDIS_COMMAND_TIMEOUT_MS`). */
  readonly commandTimeoutMs: number;
  /** A connection of its own for SUBSCRIBE (re-subscribes after a reconnect); closed with the link. */
  subscriber(): Redis;
  /** Whether Redis answers right now (connected, and no command failed since the last answer). */
  readonly available: boolean;
  /** A command failed or timed out: after a few in a row, Redis counts as unavailable until it answers again. */
  reportFailure(err: unknown): void;
  /** A command answered. */
  reportSuccess(): void;
  close(): Promise<void>;
}

/** Reconnection: first after 100 ms, growing to at most 1 s, for as long as it takes. */
const reconnectDelay = (attempt: number): number => Math.min(100 * attempt, 1000);
/** While commands fail on an open connection (a slow Redis), one PING this often says when it answers again. */
const PROBE_MS = 1000;
/** Commands failing in a row on an open connection before Redis counts as unavailable. */
const FAILURES_FOR_OUTAGE = 3;
/** Reasons stay short: ioredis messages name hosts and ports, never the password. */
const REASON_MAX_CHARS = 200;

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > REASON_MAX_CHARS ? `${message.slice(0, REASON_MAX_CHARS)}…` : message;
}

/** The URL as it may be logged: no user name or password. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

export function createRedisLink({ url, keyPrefix, commandTimeoutMs, log, availability }: RedisLinkOptions): RedisLink {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(1000, commandTimeoutMs),
    retryStrategy: reconnectDelay,
    lazyConnect: false,
  });
  const subscribers: Redis[] = [];
  /** `starting` until the first connection or failure: the first failure is an outage too. */
  let state: 'starting' | 'up' | 'down' = 'starting';
  let connected = false;
  let probe: NodeJS.Timeout | undefined;
  let closed = false;
  let failuresInARow = 0;
  const where = safeUrl(url);
  availability?.set(0);

  function down(err: unknown): void {
    if (state === 'down' || closed) return;
    state = 'down';
    availability?.set(0);
    log.warn(
      { event: 'redis.unavailable', redis: where, reason: reasonOf(err) },
      'Redis unavailable: the AWS call governor runs on this replica\'s share of the rate until it is back',
    );
  }

  function up(): void {
    failuresInARow = 0;
    if (state === 'up' || closed) return;
    const wasDown = state === 'down';
    state = 'up';
    availability?.set(1);
    if (probe) clearInterval(probe);
    probe = undefined;
    if (wasDown) log.info({ event: 'redis.available', redis: where }, 'Redis available again: the fleet shares the AWS call rate again');
  }

  client.on('ready', () => {
    connected = true;
    up();
  });
  client.on('error', (err: unknown) => down(err));
  client.on('close', () => {
    connected = false;
    down(new Error('connection closed'));
  });

  return {
    client,
    key: (name) => `${keyPrefix}${name}`,
    commandTimeoutMs,
    subscriber() {
      const sub = client.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
      // Its outages are the command connection's too; they are logged there.
      sub.on('error', () => undefined);
      subscribers.push(sub);
      return sub;
    },
    get available() {
      return state === 'up';
    },
    reportFailure(err) {
      // A lone timeout may be this process's own event loop running late; a closed connection is
      // reported by its events at once.
      if (connected && ++failuresInARow < FAILURES_FOR_OUTAGE) return;
      down(err);
      // Connected but not answering in time: probe until it does (a reconnect says so by itself).
      if (connected && !probe && !closed) {
        probe = setInterval(() => {
          client.ping().then(up, () => undefined);
        }, PROBE_MS);
        probe.unref();
      }
    },
    reportSuccess() {
      failuresInARow = 0;
      if (state !== 'up' && connected) up();
    },
    async close() {
      closed = true;
      if (probe) clearInterval(probe);
      for (const sub of subscribers) sub.disconnect();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
