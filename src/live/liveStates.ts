import { CAMPAIGN_ACTIONS } from '../campaigns/campaignActions';
import type { ActionOutcome, CampaignServiceOptions } from '../campaigns/campaignService';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { LiveStore, StateChange } from './liveStore';
import type { CampaignsClient } from '../aws/campaignsClient';
import { pollStates, type PolledStates } from './pollStates';
import { StatePoller } from './statePoller';
import { SubscriberFeed, type LiveEvent } from './subscriberFeed';

export type { LiveEvent } from './subscriberFeed';

/** What the GraphQL layer needs of the feed. */
export interface LiveStateFeed {
  /** MAX_SUBSCRIPTION_IDS. */
  readonly maxIdsPerSubscription: number;
  /**
   * Events for `ids` (valid, distinct campaign ids): first each one's current state, then its
   * changes. `expiresAt`: when the caller's token runs out; the feed then yields `expired` and ends.
   */
  subscribe(ids: readonly string[], options?: { expiresAt?: number }): AsyncIterableIterator<LiveEvent>;
}

export interface LiveStatesOptions {
  store: LiveStore;
  /** One GetCampaignStateBatch: `pollStates` over the process's AWS boundary. */
  poll(ids: readonly string[]): Promise<PolledStates>;
  settings: {
    maxIdsPerSubscription: number;
    pollIntervalMs: number;
    pollCallsPerSecond: number;
    leaseMs: number;
  };
  logger: Logger;
  metrics: Pick<Metrics, 'subscriptionsOpen' | 'liveCampaignsWatched' | 'livePolls' | 'liveEventsPushed' | 'livePushLag' | 'livePollerLeader'>;
}

/**
 * The live campaign states of one replica: its subscribers by campaign, the interest it declares
 * for them, the fleet's poller (active while this replica holds the lease), and the changes every
 * replica hears from the store.
 */
export class LiveStates implements LiveStateFeed {
  readonly maxIdsPerSubscription: number;
  private readonly feeds = new Map<string, Set<SubscriberFeed>>();
  private readonly poller: StatePoller;
  private readonly interestTtlMs: number;
  private interestTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: LiveStatesOptions) {
    this.maxIdsPerSubscription = options.settings.maxIdsPerSubscription;
    // Declared every third of a lease, kept for two leases: a dead replica's campaigns stop being polled soon after.
    this.interestTtlMs = 2 * options.settings.leaseMs;
    options.store.onChange((change) => this.dispatch(change));
    this.poller = new StatePoller({
      store: options.store,
      poll: options.poll,
      intervalMs: options.settings.pollIntervalMs,
      callsPerSecond: options.settings.pollCallsPerSecond,
      leaseMs: options.settings.leaseMs,
      hasInterest: () => this.feeds.size > 0,
      logger: options.logger,
      metrics: { polls: options.metrics.livePolls, leader: options.metrics.livePollerLeader },
    });
  }

  start(): void {
    this.poller.start();
    const declare = () => {
      if (this.feeds.size > 0) {
        this.options.store.declareInterest([...this.feeds.keys()], this.interestTtlMs).catch(() => undefined);
      }
      this.interestTimer = setTimeout(declare, Math.max(100, Math.floor(this.options.settings.leaseMs / 3)));
    };
    declare();
  }

  /** Ends every subscription (their clients reconnect elsewhere) and hands the lease on. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.interestTimer);
    for (const feeds of [...this.feeds.values()]) for (const feed of [...feeds]) feed.end();
    await this.poller.stop();
    await this.options.store.close();
  }

  /** Whether this replica polls for the fleet right now. */
  get polling(): boolean {
    return this.poller.isLeader;
  }

  subscribe(ids: readonly string[], { expiresAt }: { expiresAt?: number } = {}): AsyncIterableIterator<LiveEvent> {
    const { metrics } = this.options;
    const feed = new SubscriberFeed(ids, {
      expiresAt,
      onEnd: (ended) => this.unregister(ended),
      onPush: (event) => {
        metrics.liveEventsPushed.inc();
        metrics.livePushLag.observe(Math.max(0, Date.now() - event.seenAt) / 1000);
      },
    });
    if (this.stopped) {
      feed.end();
      return feed;
    }
    for (const id of ids) {
      let set = this.feeds.get(id);
      if (!set) this.feeds.set(id, (set = new Set()));
      set.add(feed);
    }
    metrics.subscriptionsOpen.inc();
    metrics.liveCampaignsWatched.set(this.feeds.size);
    void this.firstStates(feed);
    return feed;
  }

  /**
   * Publishes the state a successful action led to, to every replica's subscribers at once (no
   * poll waited for). Kept over a poll that was sent before the action's answer came.
   */
  async actionSucceeded({ action, campaignId, sentAt, answeredAt }: ActionOutcome): Promise<void> {
    const state = CAMPAIGN_ACTIONS[action].to;
    await this.options.store.record([{ id: campaignId, state, asOf: sentAt, answeredAt, source: 'action' }], { announce: false, seenAt: answeredAt });
  }

  /** The states the store knows of a new subscriber's campaigns; those nobody polls yet are asked for. */
  private async firstStates(feed: SubscriberFeed): Promise<void> {
    const { store } = this.options;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const known = await store.known(feed.ids);
        await store.declareInterest(feed.ids, this.interestTtlMs);
        const waiting: string[] = [];
        for (const [id, { record, watched }] of known) {
          // A record of a campaign nobody watches may be old: it is read afresh.
          if (record && watched) feed.offer({ id, ...record, seenAt: Date.now() });
          else waiting.push(id);
        }
        if (waiting.length > 0) {
          await store.requestPoll(waiting);
          this.poller.nudge();
        }
        return;
      } catch (err) {
        if (attempt === 0) this.options.logger.warn({ event: 'live.store.failed', err }, 'live-state store unavailable: first states wait for it');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (!this.isOpen(feed)) return;
      }
    }
  }

  private isOpen(feed: SubscriberFeed): boolean {
    return this.feeds.get(feed.ids[0] as string)?.has(feed) ?? false;
  }

  private dispatch(change: StateChange): void {
    const feeds = this.feeds.get(change.id);
    if (!feeds) return;
    for (const feed of feeds) feed.offer(change);
  }

  private unregister(feed: SubscriberFeed): void {
    let removed = false;
    const unwatched: string[] = [];
    for (const id of feed.ids) {
      const set = this.feeds.get(id);
      if (!set?.delete(feed)) continue;
      removed = true;
      if (set.size > 0) continue;
      this.feeds.delete(id);
      unwatched.push(id);
    }
    if (!removed) return;
    if (unwatched.length > 0) this.options.store.withdrawInterest(unwatched).catch(() => undefined);
    this.options.metrics.subscriptionsOpen.dec();
    this.options.metrics.liveCampaignsWatched.set(this.feeds.size);
  }
}

/** The feed of a gateway process over its AWS boundary, with `store` shared by the fleet (Redis) or its own. */
export function createLiveStates({
  client,
  store,
  settings,
  logger,
  metrics,
  serviceOptions,
}: Omit<LiveStatesOptions, 'poll'> & { client: CampaignsClient; serviceOptions?: CampaignServiceOptions }): LiveStates {
  return new LiveStates({ store, settings, logger, metrics, poll: (ids) => pollStates(client, ids, serviceOptions) });
}
