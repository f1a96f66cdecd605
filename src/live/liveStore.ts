import type { CampaignState } from '../campaigns/types';

/**
 * Where the fleet keeps what it knows of campaign states, who watches which campaign, and who
 * polls: Redis when REDIS_URL is set (redisLiveStore.ts), this process otherwise (below).
 */

/** A campaign's last known state. */
export interface StateRecord {
  /** null: AWS does not know the campaign. */
  state: CampaignState | null;
  /** When AWS reported it (ms since the epoch): when the poll, or the action that led to it, was sent. */
  asOf: number;
  /** Orders the records of one campaign, across replicas and restarts of the store. */
  version: number;
}

/** What a poll read, or what a successful action led to. */
export interface StateUpdate {
  id: string;
  state: CampaignState | null;
  /** When the poll or the action was sent. */
  asOf: number;
  source: 'poll' | 'action';
  /**
   * For an action: when its answer came. A poll sent before then may have read the state from
   * before the action, so it is not believed over the action's.
   */
  answeredAt?: number;
}

/** A record the store took, as every replica hears it. */
export interface StateChange extends StateRecord {
  id: string;
  /** Whether the state differs from the one stored before (false: the same state read again, announced on request). */
  changed: boolean;
  /** When the gateway learnt it (the poll's or action's answer), for the push lag. */
  seenAt: number;
}

export interface LiveStore {
  /**
   * Keeps each update that is newer than what is stored and tells every replica of each one that
   * changed a state; with `announce`, of every one kept (a campaign somebody is waiting on).
   */
  record(updates: readonly StateUpdate[], options: { announce: boolean; seenAt: number }): Promise<void>;
  /** Stored records of `ids`, and whether each is being watched (so polled) right now. */
  known(ids: readonly string[]): Promise<Map<string, { record: StateRecord | undefined; watched: boolean }>>;
  onChange(listener: (change: StateChange) => void): void;
  /** This replica watches `ids` for `ttlMs` more (declared again before it runs out). */
  declareInterest(ids: readonly string[], ttlMs: number): Promise<void>;
  /** This replica no longer watches `ids` (the fleet's interest in them then runs out with the others'). */
  withdrawInterest(ids: readonly string[]): Promise<void>;
  /** Every campaign some replica watches. */
  watchedIds(): Promise<string[]>;
  /** Asks whoever polls to read `ids` now (their first event waits on it). */
  requestPoll(ids: readonly string[]): Promise<void>;
  onPollRequest(listener: (ids: string[]) => void): void;
  /** Takes or renews the poller's lease for `ttlMs`; false while another replica holds it. */
  holdLease(ttlMs: number): Promise<boolean>;
  releaseLease(): Promise<void>;
  /** The part of the fleet's poll rate this replica's poller may spend now (unset: all of it). */
  readonly rateShare?: number;
  close(): Promise<void>;
}

/** A newer version than `previous`: above it, and at least the clock in ms (so a store that lost its records never goes back). */
export function nextVersion(previous: number): number {
  return Math.max(previous + 1, Date.now());
}

/**
 * Whether an update is kept over what is stored: a poll when it was sent after the stored read and
 * after the answer of the last action; an action when it was answered after the stored read.
 */
export function supersedes(update: StateUpdate, stored: { asOf: number; settledAt: number } | undefined): boolean {
  if (stored === undefined) return true;
  if (update.source === 'action') return (update.answeredAt ?? update.asOf) > stored.asOf;
  return update.asOf > stored.asOf && update.asOf >= stored.settledAt;
}

interface Stored extends StateRecord {
  settledAt: number;
}

/** The store of one process: every replica on its own (no REDIS_URL). It keeps the campaigns watched here, no others. */
export function createLocalLiveStore(): LiveStore {
  const states = new Map<string, Stored>();
  const interest = new Map<string, number>();
  const changeListeners: Array<(change: StateChange) => void> = [];
  const pollListeners: Array<(ids: string[]) => void> = [];
  // Listeners hear of a change after the call that made it returns, as over Redis.
  const emit = <T>(listeners: Array<(value: T) => void>, value: T) => queueMicrotask(() => listeners.forEach((listener) => listener(value)));
  const watched = (id: string, now: number) => (interest.get(id) ?? 0) > now;
  return {
    async record(updates, { announce, seenAt }) {
      const now = Date.now();
      for (const update of updates) {
        // Only what someone watches is kept, as when interest runs out: an action on any other
        // campaign would leave its record here for good (a subscriber's first state is read then).
        if (!watched(update.id, now)) continue;
        const stored = states.get(update.id);
        if (!supersedes(update, stored)) continue;
        const version = nextVersion(stored?.version ?? 0);
        const settledAt = Math.max(stored?.settledAt ?? 0, update.source === 'action' ? (update.answeredAt ?? update.asOf) : 0);
        states.set(update.id, { state: update.state, asOf: update.asOf, version, settledAt });
        const changed = stored === undefined || stored.state !== update.state;
        if (changed || announce) emit(changeListeners, { id: update.id, state: update.state, asOf: update.asOf, version, changed, seenAt });
      }
    },
    async known(ids) {
      const now = Date.now();
      return new Map(
        ids.map((id) => {
          const stored = states.get(id);
          const record = stored && { state: stored.state, asOf: stored.asOf, version: stored.version };
          return [id, { record, watched: watched(id, now) }];
        }),
      );
    },
    onChange: (listener) => void changeListeners.push(listener),
    async declareInterest(ids, ttlMs) {
      const until = Date.now() + ttlMs;
      for (const id of ids) interest.set(id, until);
    },
    async withdrawInterest(ids) {
      for (const id of ids) {
        interest.delete(id);
        states.delete(id);
      }
    },
    async watchedIds() {
      const now = Date.now();
      for (const [id, until] of interest) {
        if (until <= now) {
          interest.delete(id);
          // Nobody polls it any more: what is known of it ages, so it is not kept.
          states.delete(id);
        }
      }
      return [...interest.keys()];
    },
    async requestPoll(ids) {
      emit(pollListeners, [...ids]);
    },
    onPollRequest: (listener) => void pollListeners.push(listener),
    holdLease: async () => true,
    releaseLease: async () => {},
    close: async () => {},
  };
}
