import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';

/** The Redis connections of a replica: one for commands, one held in subscriber mode (pub/sub). */
export interface RedisLink {
  readonly command: Redis;
  readonly subscriber: Redis;
  close(): Promise<void>;
}

/** How long one Redis command may take before it fails (the caller then carries on without it). */
const COMMAND_TIMEOUT_MS = 1000;

/**
 * Both connections from REDIS_URL (TLS and AUTH come with a `rediss://user:password@host` URL).
 * An outage is logged once when it starts and once when Redis is back; the URL never is.
 */
export function createRedisLink(url: string, logger: Logger): RedisLink {
  const command = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS, connectionName: 'campaign-gateway' });
  // A subscriber connection only waits on its (re)subscriptions: no command timeout.
  const subscriber = command.duplicate({ connectionName: 'campaign-gateway-sub', commandTimeout: undefined });
  let down = false;
  const onError = (err: Error) => {
    if (down) return;
    down = true;
    logger.warn({ event: 'redis.unavailable', problem: err.message }, 'Redis unavailable: live states wait for it');
  };
  const onReady = () => {
    if (!down) return;
    down = false;
    logger.info({ event: 'redis.recovered' }, 'Redis available again');
  };
  for (const connection of [command, subscriber]) {
    connection.on('error', onError);
    connection.on('ready', onReady);
  }
  return {
    command,
    subscriber,
    async close() {
      await Promise.allSettled([command.quit(), subscriber.quit()]);
      command.disconnect();
      subscriber.disconnect();
    },
  };
}
