import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { CampaignState } from '../campaigns/types';
import type { LiveStore, StateChange, StateRecord } from './liveStore';

/**
 * The fleet's live-state store in Redis. Keys and channels under the prefix (REDIS_KEY_PREFIX):
 * - `live:state:<id>`: a campaign's last known state (JSON), kept `STATE_TTL_MS` after its last write;
 * - `live:watched`: sorted set of watched campaign ids, scored by when the interest runs out;
 * - `live:poller`: the poller's lease (the holder's id), SET NX PX and renewed;
 * - channels `live:changes` (every kept change, to every replica) and `live:poll-requests`.
 * Only campaign ids and states are kept: what the gateway may show any caller.
 */

/** How long a campaign's state outlives its last poll: long enough for a restarting replica, short enough to stay small. */
const STATE_TTL_MS = 10 * 60_000;

/**
 * Keeps each update newer than the stored one and publishes it, in one step, so that every
 * replica hears the changes of a campaign in the order they were stored. The rules are
 * `supersedes` in liveStore.ts; the version is above the previous one and at least Redis's clock (ms).
 * KEYS: state keys; ARGV: channel, ttl, announce, seenAt, then per key id, state ('' for none), asOf, source, answeredAt.
 */
const RECORD_SCRIPT = `
local channel, ttl, announce, seenAt = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4]
local t = redis.call('TIME')
local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i, key in ipairs(KEYS) do
  local b = 4 + (i - 1) * 5
  local id, state, asOf, source, answeredAt = ARGV[b + 1], ARGV[b + 2], tonumber(ARGV[b + 3]), ARGV[b + 4], tonumber(ARGV[b + 5])
  local raw = redis.call('GET', key)
  local stored = raw and cjson.decode(raw)
  local keep
  if not stored then keep = true
  elseif source == 'action' then keep = answeredAt > tonumber(stored.a)
  else keep = asOf > tonumber(stored.a) and asOf >= tonumber(stored.t) end
  if keep then
    local version = clock
    if stored and tonumber(stored.v) + 1 > version then version = tonumber(stored.v) + 1 end
    local settled = stored and tonumber(stored.t) or 0
    if source == 'action' and answeredAt > settled then settled = answeredAt end
    local v, a, st = string.format('%.0f', version), string.format('%.0f', asOf), string.format('%.0f', settled)
    redis.call('SET', key, cjson.encode({s = state, a = a, v = v, t = st}), 'PX', ttl)
    local changed = (not stored) or stored.s ~= state
    if changed or announce then
      redis.call('PUBLISH', channel, cjson.encode({id = id, s = state, a = a, v = v, c = changed, seen = seenAt}))
    end
  end
end
return 0
`;

/** Takes the lease when free, renews it when held by this replica. */
const HOLD_LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
`;

/** Interest runs out by Redis's clock, so that replicas' clocks need not agree. KEYS: watched; ARGV: ttl, ids. */
const DECLARE_INTEREST_SCRIPT = `
local t = redis.call('TIME')
local untilMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], untilMs, ARGV[i]) end
return 0
`;

/** The campaigns whose interest has not run out (by Redis's clock); the rest are dropped. */
const WATCHED_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

const RELEASE_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface StoredJson {
  s: string;
  a: string;
  v: string;
}

const toState = (wire: string): CampaignState | null => (wire === '' ? null : (wire as CampaignState));

function toRecord(raw: string | null): StateRecord | undefined {
  if (raw === null) return undefined;
  const stored = JSON.parse(raw) as StoredJson;
  return { state: toState(stored.s), asOf: Number(stored.a), version: Number(stored.v) };
}

/** The replica's Redis connections the live feed uses: commands (the AWS boundary's link) and one held in subscriber mode. */
export interface LiveRedis {
  readonly command: Redis;
  readonly subscriber: Redis;
}

export function createRedisLiveStore(link: LiveRedis, keyPrefix: string): LiveStore {
  const { command, subscriber } = link;
  const key = {
    state: (id: string) => `${keyPrefix}live:state:${id}`,
    watched: `${keyPrefix}live:watched`,
    lease: `${keyPrefix}live:poller`,
    changes: `${keyPrefix}live:changes`,
    pollRequests: `${keyPrefix}live:poll-requests`,
  };
  const replicaId = randomUUID();
  const changeListeners: Array<(change: StateChange) => void> = [];
  const pollListeners: Array<(ids: string[]) => void> = [];
  // ioredis subscribes again by itself after a reconnect; a first attempt that fails is retried.
  const subscribe = (): Promise<unknown> => subscriber.subscribe(key.changes, key.pollRequests).catch(() => new Promise((resolve) => setTimeout(resolve, 1000)).then(subscribe));
  const subscribed = subscribe();
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === key.changes) {
      const m = JSON.parse(message) as { id: string; s: string; a: string; v: string; c: boolean; seen: string };
      const change: StateChange = { id: m.id, state: toState(m.s), asOf: Number(m.a), version: Number(m.v), changed: m.c, seenAt: Number(m.seen) };
      for (const listener of changeListeners) listener(change);
    } else if (channel === key.pollRequests) {
      const ids = JSON.parse(message) as string[];
      for (const listener of pollListeners) listener(ids);
    }
  });

  return {
    async record(updates, { announce, seenAt }) {
      if (updates.length === 0) return;
      const args: Array<string | number> = [key.changes, STATE_TTL_MS, announce ? '1' : '0', seenAt];
      for (const u of updates) args.push(u.id, u.state ?? '', u.asOf, u.source, u.answeredAt ?? u.asOf);
      await command.eval(RECORD_SCRIPT, updates.length, ...updates.map((u) => key.state(u.id)), ...args);
    },
    async known(ids) {
      if (ids.length === 0) return new Map();
      const [states, scores, [seconds, micros]] = await Promise.all([command.mget(...ids.map(key.state)), command.zmscore(key.watched, ...ids), command.time()]);
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      return new Map(ids.map((id, i) => [id, { record: toRecord(states[i] ?? null), watched: Number(scores[i] ?? 0) > now }]));
    },
    onChange: (listener) => void changeListeners.push(listener),
    async declareInterest(ids, ttlMs) {
      if (ids.length === 0) return;
      await command.eval(DECLARE_INTEREST_SCRIPT, 1, key.watched, ttlMs, ...ids);
    },
    // Other replicas may watch them too: the interest runs out when none declares it any more.
    withdrawInterest: async () => undefined,
    async watchedIds() {
      return (await command.eval(WATCHED_SCRIPT, 1, key.watched)) as string[];
    },
    async requestPoll(ids) {
      if (ids.length > 0) await command.publish(key.pollRequests, JSON.stringify(ids));
    },
    onPollRequest: (listener) => void pollListeners.push(listener),
    async holdLease(ttlMs) {
      await subscribed;
      return (await command.eval(HOLD_LEASE_SCRIPT, 1, key.lease, replicaId, ttlMs)) === 1;
    },
    async releaseLease() {
      await command.eval(RELEASE_LEASE_SCRIPT, 1, key.lease, replicaId);
    },
    // The link is the composition root's to close.
    async close() {
      await subscriber.unsubscribe(key.changes, key.pollRequests).catch(() => undefined);
    },
  };
}
