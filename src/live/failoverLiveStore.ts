import type { LiveStore, StateChange, StateRecord } from './liveStore';

/** Whether the fleet's store answers right now: the AWS boundary's Redis link (`available`). */
export interface FleetAvailability {
  readonly available: boolean;
}

export interface FailoverOptions {
  /** The fleet's store (Redis). */
  fleet: LiveStore;
  /** This replica's own store (in-process), used while the fleet's cannot be reached. */
  local: LiveStore;
  link: FleetAvailability;
  /** The part of the fleet's poll rate this replica spends on its own (1/`AWS_CALLS_REPLICAS`). */
  localRateShare: number;
}

type Side = 'fleet' | 'local';

/** What this replica last handed its subscribers of a campaign, and from which store. */
interface Mark {
  version: number;
  asOf: number;
  side: Side;
}

/**
 * The fleet's store while Redis answers; this replica's own while it does not, so that its
 * subscribers stay live: it holds its own lease, polls its own watched campaigns at its share of
 * the rate, and hears its own changes. Back to the fleet's store once Redis answers again, with
 * the fleet's current records handed on at once.
 *
 * The two stores number versions by different clocks and do not know each other's records, so
 * for each campaign this replica watches the last state handed on is kept: a change from the
 * other store is handed on only if AWS reported it later (`asOf`), and is numbered above it.
 */
export function createFailoverLiveStore({ fleet, local, link, localRateShare }: FailoverOptions): LiveStore {
  let side: Side = link.available ? 'fleet' : 'local';
  /** Campaigns this replica watches, with what was last handed on of each. */
  const marks = new Map<string, Mark | null>();
  const changeListeners: Array<(change: StateChange) => void> = [];

  function handOn(change: StateChange, from: Side): void {
    const mark = marks.get(change.id);
    if (mark === undefined) {
      // Not watched here: nothing to keep in step.
      for (const listener of changeListeners) listener(change);
      return;
    }
    let version = change.version;
    if (mark !== null) {
      if (from !== mark.side && change.asOf < mark.asOf) return;
      if (version <= mark.version && change.asOf > mark.asOf) version = mark.version + 1;
      if (version <= mark.version) {
        // Older than what subscribers were told: they drop it (by version) anyway.
        for (const listener of changeListeners) listener(change);
        return;
      }
    }
    marks.set(change.id, { version, asOf: change.asOf, side: from });
    const numbered = { ...change, version };
    for (const listener of changeListeners) listener(numbered);
  }

  /** A first state read from either store, numbered like the changes. */
  function numberRecord(id: string, record: StateRecord | undefined, from: Side): StateRecord | undefined {
    const mark = marks.get(id);
    if (!record || !mark) return record;
    if (record.version <= mark.version && record.asOf > mark.asOf) return { ...record, version: mark.version + 1 };
    if (from !== mark.side && record.asOf < mark.asOf) return undefined;
    return record;
  }

  fleet.onChange((change) => {
    if (marks.has(change.id)) {
      // The local store keeps the fleet's last word, so that a poll of its own never goes back behind it.
      void local.record([{ id: change.id, state: change.state, asOf: change.asOf, source: 'poll' }], { announce: false, seenAt: change.seenAt }).catch(() => undefined);
    }
    if (side === 'fleet') handOn(change, 'fleet');
  });
  local.onChange((change) => {
    if (side === 'local') handOn(change, 'local');
  });

  /** The side to use now; coming back to the fleet, its current records of the watched campaigns are handed on. */
  function current(): Side {
    const now: Side = link.available ? 'fleet' : 'local';
    if (now !== side) {
      side = now;
      if (now === 'fleet') void catchUp();
    }
    return side;
  }

  async function catchUp(): Promise<void> {
    const ids = [...marks.keys()];
    if (ids.length === 0) return;
    // Campaigns whose first state is still awaited: their poll was asked of this replica's own store.
    const awaited = ids.filter((id) => marks.get(id) === null);
    try {
      const known = await fleet.known(ids);
      const seenAt = Date.now();
      for (const [id, { record }] of known) if (record && side === 'fleet') handOn({ id, ...record, changed: true, seenAt }, 'fleet');
      if (awaited.length > 0) await fleet.requestPoll(awaited);
    } catch {
      // Redis went away again: this replica polls on its own.
    }
  }

  /**
   * The fleet's store while Redis answers, this replica's own while it does not. A call that fails
   * while the link still counts Redis as up fails (the caller tries again), as a lone slow answer
   * must not split the fleet.
   */
  async function either<T>(onFleet: () => Promise<T>, onLocal: () => Promise<T>): Promise<T> {
    if (current() === 'fleet') {
      try {
        return await onFleet();
      } catch (err) {
        if (current() === 'fleet') throw err;
      }
    }
    return onLocal();
  }

  return {
    get rateShare() {
      return current() === 'fleet' ? 1 : localRateShare;
    },
    record: (updates, options) =>
      either(
        () => fleet.record(updates, options),
        () => local.record(updates, options),
      ),
    async known(ids) {
      let from: Side = 'local';
      const found = await either(
        async () => {
          const answer = await fleet.known(ids);
          from = 'fleet';
          return answer;
        },
        () => local.known(ids),
      );
      return new Map([...found].map(([id, { record, watched }]) => [id, { record: numberRecord(id, record, from), watched }]));
    },
    onChange: (listener) => void changeListeners.push(listener),
    async declareInterest(ids, ttlMs) {
      for (const id of ids) if (!marks.has(id)) marks.set(id, null);
      // Both are kept up to date, so that either can poll these campaigns at once.
      await local.declareInterest(ids, ttlMs);
      if (current() === 'fleet') await fleet.declareInterest(ids, ttlMs).catch(() => undefined);
    },
    async withdrawInterest(ids) {
      for (const id of ids) marks.delete(id);
      await local.withdrawInterest(ids);
      await fleet.withdrawInterest(ids).catch(() => undefined);
    },
    watchedIds: () =>
      either(
        () => fleet.watchedIds(),
        () => local.watchedIds(),
      ),
    requestPoll: (ids) =>
      either(
        () => fleet.requestPoll(ids),
        () => local.requestPoll(ids),
      ),
    onPollRequest(listener) {
      fleet.onPollRequest(listener);
      local.onPollRequest(listener);
    },
    // Not answered by the local lease when Redis fails under the call: another replica may hold the fleet's.
    holdLease: (ttlMs) => (current() === 'fleet' ? fleet.holdLease(ttlMs) : local.holdLease(ttlMs)),
    async releaseLease() {
      if (current() === 'fleet') await fleet.releaseLease();
    },
    async close() {
      await Promise.all([fleet.close(), local.close()]);
    },
  };
}
