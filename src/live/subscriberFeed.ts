import type { CampaignState } from '../campaigns/types';
import type { StateChange } from './liveStore';

/** What a subscription is pushed. */
export type LiveEvent =
  | {
      kind: 'state';
      id: string;
      /** The state this subscriber was last told for the campaign; null on its first event. */
      previousState: CampaignState | null;
      state: CampaignState | null;
      asOf: number;
      /** When the gateway learnt the state (for the push lag). */
      seenAt: number;
    }
  | { kind: 'expired' };

interface Pending {
  previousState: CampaignState | null;
  state: CampaignState | null;
  asOf: number;
  version: number;
  seenAt: number;
}

/**
 * One subscriber's queue of events, bounded by its campaigns: at most one pending event per
 * campaign, coalesced to the latest state (its `previousState` stays the one the subscriber was
 * last told). A subscriber that reads nothing holds no more than that, whatever changes meanwhile,
 * and then reads the latest state of each campaign. Changes older than what the subscriber was
 * told (by version) are dropped, so it never sees a campaign go back.
 */
export class SubscriberFeed implements AsyncIterableIterator<LiveEvent> {
  private readonly told = new Map<string, { state: CampaignState | null; version: number }>();
  private readonly pending = new Map<string, Pending>();
  private waiting: ((result: IteratorResult<LiveEvent>) => void) | undefined;
  private ended = false;
  private expired = false;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly ids: readonly string[],
    private readonly hooks: {
      /** Called once, when the subscriber is gone (or the feed ended). */
      onEnd(feed: SubscriberFeed): void;
      /** Called for each event handed to the subscriber. */
      onPush?(event: LiveEvent & { kind: 'state' }): void;
      /** When the caller's credentials run out (ms since the epoch): the feed then says so and ends. */
      expiresAt?: number;
    },
  ) {
    if (hooks.expiresAt !== undefined) {
      // setTimeout's limit is about 24.8 days; a token lives far less.
      const inMs = Math.min(Math.max(0, hooks.expiresAt - Date.now()), 2 ** 31 - 1);
      this.expiryTimer = setTimeout(() => {
        this.expired = true;
        this.deliver();
      }, inMs);
      this.expiryTimer.unref?.();
    }
  }

  /** Events waiting to be read (for tests and the memory bound): never more than the campaigns watched. */
  get backlog(): number {
    return this.pending.size;
  }

  /** A state some replica stored (or this subscription's first read of it). */
  offer(change: Pick<StateChange, 'id' | 'state' | 'asOf' | 'version' | 'seenAt'>): void {
    if (this.ended) return;
    const told = this.told.get(change.id);
    const pending = this.pending.get(change.id);
    if ((told && change.version <= told.version) || (pending && change.version <= pending.version)) return;
    if (told && change.state === told.state) {
      // The campaign is back where the subscriber last saw it (or was read again unchanged).
      told.version = change.version;
      this.pending.delete(change.id);
      return;
    }
    this.pending.set(change.id, {
      previousState: told ? told.state : null,
      state: change.state,
      asOf: change.asOf,
      version: change.version,
      seenAt: change.seenAt,
    });
    this.deliver();
  }

  next(): Promise<IteratorResult<LiveEvent>> {
    const ready = this.take();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<LiveEvent>> {
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<LiveEvent>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the feed: a reader waiting gets `done`, and the subscriber is let go. */
  end(): void {
    this.finish();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ done: true, value: undefined });
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiryTimer);
    this.pending.clear();
    this.hooks.onEnd(this);
  }

  private take(): IteratorResult<LiveEvent> | undefined {
    if (this.expired && !this.ended) {
      // Said once, then the feed is over.
      this.finish();
      return { done: false, value: { kind: 'expired' } };
    }
    if (this.ended) return { done: true, value: undefined };
    const first = this.pending.entries().next();
    if (first.done) return undefined;
    const [id, event] = first.value;
    this.pending.delete(id);
    this.told.set(id, { state: event.state, version: event.version });
    const value: LiveEvent = { kind: 'state', id, previousState: event.previousState, state: event.state, asOf: event.asOf, seenAt: event.seenAt };
    this.hooks.onPush?.(value);
    return { done: false, value };
  }

  private deliver(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    const ready = this.take();
    if (!ready) return;
    this.waiting = undefined;
    waiting(ready);
  }
}
