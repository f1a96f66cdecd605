/**
 * The read store shared by every replica through Redis (REDIS_URL): an answer one replica read, or
 * a state one replica's action caused, is known to all. Keys live under a prefix and expire with
 * their bound (`SET ... PX`). Redis down or slow never fails a read: each command is cut after
 * `timeoutMs` and then answers "nothing kept", the shared reads falling back to the in-process copy;
 * after such a failure Redis is left alone for `RETRY_AFTER_MS`, so that a slow Redis does not add
 * its timeout to every read.
 */
import type { Redis } from 'ioredis';
import type { KeptAnswer, ReadStore } from './readStore';

export interface RedisReadStoreOptions {
  /** Prefix of every key (one Redis may serve several deployments). */
  prefix: string;
  /** Longest wait for one Redis command before answering without it. */
  timeoutMs: number;
  now?: () => number;
}

/**
 * Keeps ARGV[2] (`<asOf>|<json>`) for ARGV[3] ms unless the value kept is at least as new: atomic, so
 * two replicas writing the same campaign at once keep the newer answer whatever their order.
 */
const SET_IF_NEWER = `
local kept = redis.call('GET', KEYS[1])
if kept then
  local asOf = tonumber(string.match(kept, '^(%d+)|'))
  if asOf and asOf >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/** How long Redis is left alone after a command failed or timed out. */
const RETRY_AFTER_MS = 1000;

export function createRedisReadStore(redis: Redis, { prefix, timeoutMs, now = Date.now }: RedisReadStoreOptions): ReadStore {
  const full = (key: string) => `${prefix}read:${key}`;
  let leftAloneUntil = 0;

  /** `command()`'s answer, or undefined once it failed or took longer than `timeoutMs` (or Redis is being left alone). */
  function bounded<T>(command: () => Promise<T>): Promise<T | undefined> {
    if (now() < leftAloneUntil) return Promise.resolve(undefined);
    const failed = (): undefined => {
      leftAloneUntil = now() + RETRY_AFTER_MS;
      return undefined;
    };
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(failed()), timeoutMs);
      command().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        () => {
          clearTimeout(timer);
          resolve(failed());
        },
      );
    });
  }

  return {
    async get(keys) {
      if (keys.length === 0) return [];
      const raw = await bounded(() => redis.mget(keys.map(full)));
      return keys.map((_, i) => parse(raw?.[i] ?? null));
    },
    async set(key, answer, keepMs) {
      const ttl = Math.floor(answer.asOf + keepMs - now());
      if (ttl <= 0) return;
      await bounded(() => redis.eval(SET_IF_NEWER, 1, full(key), String(answer.asOf), `${answer.asOf}|${serialize(answer.value)}`, String(ttl)));
    },
    async delete(keys) {
      if (keys.length === 0) return;
      await bounded(() => redis.del(...keys.map(full)));
    },
  };
}

const DATE = '$date';

/** JSON that brings Dates back as Dates (AWS answers carry schedules as Dates). */
function serialize(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE]: raw.toISOString() } : v;
  });
}

function parse(raw: string | null): KeptAnswer | undefined {
  if (raw === null) return undefined;
  const bar = raw.indexOf('|');
  const asOf = Number(raw.slice(0, bar));
  if (bar < 0 || !Number.isFinite(asOf)) return undefined;
  try {
    const value: unknown = JSON.parse(raw.slice(bar + 1), (_key, v: unknown) =>
      v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)[DATE] === 'string' && Object.keys(v).length === 1
        ? new Date((v as Record<string, string>)[DATE] as string)
        : v,
    );
    return { value, asOf };
  } catch {
    return undefined;
  }
}
