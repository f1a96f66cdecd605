import { STATE_BATCH_LIMIT } from '../campaigns/campaignService';
import type { Logger } from '../observability/logger';
import type { LiveStore } from './liveStore';
import type { PolledStates } from './pollStates';

export interface PollerOptions {
  store: LiveStore;
  /** One GetCampaignStateBatch (pollStates.ts). */
  poll(ids: readonly string[]): Promise<PolledStates>;
  /** Shortest time between two polls of one campaign. */
  intervalMs: number;
  /** Most poll calls per second (the AWS read share the feed may use). */
  callsPerSecond: number;
  /** The lease's life; renewed every third of it. */
  leaseMs: number;
  /** Whether this replica has subscribers (only then does it try for the lease). */
  hasInterest(): boolean;
  logger: Logger;
  metrics: {
    polls: { inc(labels: { outcome: string }): void };
    leader: { set(value: number): void };
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls every watched campaign of the fleet, from the one replica that holds the lease: all the
 * watched ids in 25-id batches, each campaign at most every `intervalMs`, with the calls spaced to
 * `callsPerSecond`. When the calls cannot keep up, the round takes longer and every campaign's
 * refresh slows alike (their `stateAsOf` says how old they are). Campaigns a new subscriber waits
 * on are polled first. A replica that dies stops renewing its lease; another takes it over within
 * `leaseMs` plus a third of it.
 */
export class StatePoller {
  private leader = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly wanted = new Set<string>();
  private wake: (() => void) | undefined;
  private nextCallAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private storeFailing = false;

  constructor(private readonly options: PollerOptions) {
    options.store.onPollRequest((ids) => {
      for (const id of ids) this.wanted.add(id);
      // Only the leader polls; another replica holds on to the wish in case the lease comes to it.
      this.wake?.();
    });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    const tick = () => {
      void this.tryLease().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, Math.max(100, Math.floor(this.options.leaseMs / 3)));
      });
    };
    tick();
  }

  /** Tries for the lease now (a subscriber waits on a first state), instead of at the next renewal. */
  nudge(): void {
    if (!this.leader && !this.stopped) void this.tryLease();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.running;
    if (this.leader) {
      this.setLeader(false);
      // Handed on at once rather than when the lease runs out.
      await this.options.store.releaseLease().catch(() => undefined);
    }
  }

  private async tryLease(): Promise<void> {
    if (this.stopped) return;
    if (!this.leader && !this.options.hasInterest() && this.wanted.size === 0) return;
    let held: boolean;
    try {
      held = await this.options.store.holdLease(this.options.leaseMs);
    } catch {
      // Unsure whether the lease is still ours: stop polling, as another replica may take it.
      held = false;
    }
    if (this.stopped) return;
    if (held && !this.leader) {
      this.setLeader(true);
      this.running = this.run().finally(() => (this.running = undefined));
    } else if (!held && this.leader) {
      this.setLeader(false);
    }
  }

  private setLeader(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    this.options.metrics.leader.set(leader ? 1 : 0);
    this.options.logger.info({ event: leader ? 'live.poller.leading' : 'live.poller.handed-on' }, leader ? 'polling live campaign states for the fleet' : 'no longer polling live campaign states');
    this.wake?.();
  }

  private get polling(): boolean {
    return this.leader && !this.stopped;
  }

  private async run(): Promise<void> {
    while (this.polling) {
      const roundStart = Date.now();
      let ids: string[] = [];
      try {
        ids = (await this.options.store.watchedIds()).sort();
        this.storeOk();
      } catch (err) {
        this.storeFailed(err);
      }
      for (let i = 0; i < ids.length && this.polling; i += STATE_BATCH_LIMIT) {
        await this.pollWanted();
        if (this.polling) await this.pollBatch(ids.slice(i, i + STATE_BATCH_LIMIT));
      }
      await this.pollWanted();
      // Until the round's interval is over, only campaigns somebody waits on are polled.
      const until = roundStart + this.options.intervalMs;
      while (this.polling && Date.now() < until) {
        // While polls fail, a waiting campaign is asked again with the next round, not in a loop.
        if (this.wanted.size > 0 && !this.failing) await this.pollWanted();
        else await this.waitForWish(until - Date.now());
      }
    }
  }

  private waitForWish(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.wake === wake) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wake = wake;
    });
  }

  private async pollWanted(): Promise<void> {
    while (this.polling && this.wanted.size > 0) {
      if (!(await this.pollBatch([...this.wanted].slice(0, STATE_BATCH_LIMIT)))) return;
    }
  }

  /** One call; campaigns somebody waits on are announced even when unchanged. */
  private async pollBatch(ids: string[]): Promise<boolean> {
    const announce = ids.some((id) => this.wanted.has(id));
    for (const id of ids) this.wanted.delete(id);
    // A first state a subscriber waits on is read at once, like a query; the rounds then make up for it.
    const spacing = 1000 / (this.options.callsPerSecond * (this.options.store.rateShare ?? 1));
    const wait = this.nextCallAt - Date.now();
    if (wait > 0 && !announce) await sleep(wait);
    this.nextCallAt = Math.max(Date.now(), this.nextCallAt) + spacing;
    if (!this.polling) return false;
    let polled: PolledStates;
    try {
      polled = await this.options.poll(ids);
      this.options.metrics.polls.inc({ outcome: 'success' });
      if (this.failing) {
        this.failing = false;
        this.options.logger.info({ event: 'live.poll.recovered' }, 'live-state polls answered again');
      }
    } catch (err) {
      this.options.metrics.polls.inc({ outcome: 'error' });
      if (!this.failing) {
        this.failing = true;
        this.options.logger.warn({ event: 'live.poll.failed', err }, 'live-state poll failed: subscribers keep the last known states until polls are answered again');
      }
      // Asked again next round; a subscriber waiting on its first state waits on.
      if (announce) for (const id of ids) this.wanted.add(id);
      return false;
    }
    try {
      const updates = polled.rows.map((row) => ({ id: row.id, state: row.state, asOf: row.asOf, source: 'poll' as const }));
      await this.options.store.record(updates, { announce, seenAt: polled.answeredAt });
      this.storeOk();
    } catch (err) {
      this.storeFailed(err);
    }
    return true;
  }

  private storeOk(): void {
    this.storeFailing = false;
  }

  private storeFailed(err: unknown): void {
    if (this.storeFailing) return;
    this.storeFailing = true;
    this.options.logger.warn({ event: 'live.store.failed', err }, 'live-state store unavailable: polled states not shared');
  }
}
