/**
 * The fleet's token bucket in Redis: one Lua script, so a take (refill, check the floor, take) or a
 * throttle report is one atomic step however many replicas call at once, and one round trip. Time
 * is Redis's own (TIME), so replicas' clocks do not matter. The arithmetic is LocalBucket's
 * (tokenBucket.ts). Redis holds only these numbers: nothing about callers, no credentials.
 */
import type { Redis } from 'ioredis';
import { BACK_OFF, floorsOf, type Floors, type QuotaShape, type TakeAnswer } from './tokenBucket';
import type { CallPriority } from './quota';

/**
 * KEYS[1]: the bucket (hash: tokens, at, cutFactor, cutAt).
 * ARGV: op ('take' | 'throttle'), callsPerSecond, burst, floor (take) or drain level (throttle),
 * then the back-off: cut, minFactor, cooldownMs, recoveryPerS.
 * Answers { wait ms (0: taken), rate now (string) }.
 */
export const BUCKET_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local level = tonumber(ARGV[4])
local s = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'cutFactor', 'cutAt')
local tokens = tonumber(s[1]) or burst
local at = tonumber(s[2]) or now
local cutFactor = tonumber(s[3]) or 1
local cutAt = tonumber(s[4]) or 0
local factor = 1
if cutFactor < 1 then
  factor = math.min(1, cutFactor + (now - cutAt) / 1000 * tonumber(ARGV[8]))
  if factor >= 1 then cutFactor = 1 end
end
local perMs = rate * factor / 1000
if now > at then tokens = math.min(burst, tokens + (now - at) * perMs) end
local wait = 0
if ARGV[1] == 'take' then
  if tokens - 1 >= level - 1e-9 then
    tokens = tokens - 1
  else
    wait = math.max(1, math.ceil((level + 1 - tokens) / perMs))
  end
else
  if now - cutAt >= tonumber(ARGV[7]) then
    factor = math.max(tonumber(ARGV[6]), factor * tonumber(ARGV[5]))
    cutFactor = factor
    cutAt = now
  end
  tokens = math.min(tokens, level)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now), 'cutFactor', tostring(cutFactor), 'cutAt', tostring(cutAt))
redis.call('PEXPIRE', KEYS[1], 600000)
return { wait, tostring(rate * factor) }
`;

type ScriptReply = [number, string];
type WithBucket = Redis & { campaignGatewayBucket(key: string, ...args: Array<string | number>): Promise<ScriptReply> };

/** The fleet's bucket under `key`; each call is one EVALSHA (ioredis loads the script when Redis lacks it). */
export class RedisBucket {
  readonly floors: Floors;
  private readonly redis: WithBucket;
  /** The fleet rate the last answer reported. */
  lastRate: number;

  constructor(
    redis: Redis,
    private readonly key: string,
    private readonly quota: QuotaShape,
  ) {
    if (!('campaignGatewayBucket' in redis)) redis.defineCommand('campaignGatewayBucket', { numberOfKeys: 1, lua: BUCKET_SCRIPT });
    this.redis = redis as WithBucket;
    this.floors = floorsOf(quota);
    this.lastRate = quota.callsPerSecond;
  }

  private run(op: 'take' | 'throttle', level: number): Promise<number> {
    const { CUT, MIN_FACTOR, CUT_COOLDOWN_MS, RECOVERY_PER_S } = BACK_OFF;
    return this.redis
      .campaignGatewayBucket(this.key, op, this.quota.callsPerSecond, this.quota.burst, level, CUT, MIN_FACTOR, CUT_COOLDOWN_MS, RECOVERY_PER_S)
      .then(([wait, rate]) => {
        this.lastRate = Number(rate);
        return wait;
      });
  }

  take(priority: CallPriority): Promise<TakeAnswer> {
    return this.run('take', this.floors[priority]);
  }

  /** AWS throttled a call: the whole fleet cuts its rate, and reads get nothing above the reserve. */
  throttled(): Promise<void> {
    return this.run('throttle', this.floors.read).then(() => undefined);
  }
}
