/**
 * Where the shared reads keep AWS answers: an interface, and the in-process store every gateway
 * process has (redisReadStore.ts shares answers across replicas). Only campaign data any caller may
 * see is kept: one AWS identity serves every request.
 */
import { LRUCache } from 'lru-cache';

/** One kept answer: a read's output (plain data; Dates allowed) and when the call that read it was sent (ms since the epoch). */
export interface KeptAnswer {
  value: unknown;
  asOf: number;
}

/** A place answers are kept. No method rejects: a store that fails answers "nothing kept" and keeps nothing. */
export interface ReadStore {
  /** The answers kept under `keys`, in their order (undefined where none). */
  get(keys: readonly string[]): Promise<Array<KeptAnswer | undefined>>;
  /**
   * Keeps `answer` under `key` until `keepMs` after its `asOf` (already past: not kept), unless an
   * answer at least as new (by `asOf`) is kept there.
   */
  set(key: string, answer: KeptAnswer, keepMs: number): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
}

export interface InProcessReadStoreOptions {
  /** Most bytes kept (as the answers' JSON length, an estimate of their heap), least recently used dropped first. */
  maxBytes: number;
  /** Most answers kept. */
  maxEntries: number;
  now?: () => number;
}

/** An in-process store bounded in bytes and entries, whose expired answers are dropped, not only pushed out. */
export interface InProcessReadStore extends ReadStore {
  /** The same answers, synchronously. */
  getNow(key: string): KeptAnswer | undefined;
  /** Answers kept right now, and their estimated bytes. */
  readonly size: number;
  readonly bytes: number;
}

/** Expired answers are swept at most this often (on a `set`), so that none lingers past its bound for long. */
const PURGE_EVERY_MS = 1000;

export function createInProcessReadStore({ maxBytes, maxEntries, now = Date.now }: InProcessReadStoreOptions): InProcessReadStore {
  const cache = new LRUCache<string, KeptAnswer>({ max: maxEntries, maxSize: maxBytes, perf: { now } });
  let lastPurge = now();

  function getNow(key: string): KeptAnswer | undefined {
    return cache.get(key);
  }
  return {
    getNow,
    get: (keys) => Promise.resolve(keys.map(getNow)),
    set(key, answer, keepMs) {
      const t = now();
      if (t - lastPurge >= PURGE_EVERY_MS) {
        lastPurge = t;
        cache.purgeStale();
      }
      const ttl = answer.asOf + keepMs - t;
      const kept = cache.get(key);
      if (ttl > 0 && !(kept && kept.asOf >= answer.asOf)) {
        const size = sizeOf(key, answer.value);
        // Too big for the whole store: not kept rather than emptying it.
        if (size <= maxBytes) cache.set(key, answer, { ttl, size });
      }
      return Promise.resolve();
    },
    delete(keys) {
      for (const key of keys) cache.delete(key);
      return Promise.resolve();
    },
    get size() {
      return cache.size;
    },
    get bytes() {
      return cache.calculatedSize;
    },
  };
}

/** Bytes an answer takes, estimated from its JSON (two bytes a character, plus the entry's own overhead). */
export function sizeOf(key: string, value: unknown): number {
  return 2 * (key.length + (JSON.stringify(value) ?? '').length) + 200;
}
