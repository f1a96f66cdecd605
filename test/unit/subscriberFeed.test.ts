import { SubscriberFeed, type LiveEvent } from '../../src/live/subscriberFeed';

const IDS = Array.from({ length: 50 }, (_, i) => `c-${i}`);
const STATES = ['Running', 'Paused'] as const;

function feed(ids = IDS) {
  const ended: SubscriberFeed[] = [];
  return { feed: new SubscriberFeed(ids, { onEnd: (f) => ended.push(f) }), ended };
}

async function drain(f: SubscriberFeed, n: number): Promise<LiveEvent[]> {
  const out: LiveEvent[] = [];
  for (let i = 0; i < n; i++) out.push((await f.next()).value as LiveEvent);
  return out;
}

describe('a subscriber feed', () => {
  it('holds at most one event per campaign however many changes arrive unread, then yields the latest of each', async () => {
    const { feed: f } = feed();
    let version = 0;
    for (const id of IDS) f.offer({ id, state: 'Initialized', asOf: 1, version: ++version, seenAt: 1 });
    await drain(f, IDS.length);
    for (let round = 0; round < 1000; round++) {
      for (const id of IDS) f.offer({ id, state: STATES[round % 2] as 'Running' | 'Paused', asOf: round, version: ++version, seenAt: round });
      expect(f.backlog).toBeLessThanOrEqual(IDS.length);
    }
    const latest = await drain(f, IDS.length);
    expect(f.backlog).toBe(0);
    // Round 999 left every campaign Paused; each event says what the subscriber was last told.
    expect(latest).toEqual(IDS.map((id) => ({ kind: 'state', id, previousState: 'Initialized', state: 'Paused', asOf: 999, seenAt: 999 })));
  });

  it('drops a change older than what it was told, and a change back to what it was told', async () => {
    const { feed: f } = feed(['a']);
    f.offer({ id: 'a', state: 'Running', asOf: 10, version: 10, seenAt: 10 });
    expect(await drain(f, 1)).toEqual([{ kind: 'state', id: 'a', previousState: null, state: 'Running', asOf: 10, seenAt: 10 }]);
    f.offer({ id: 'a', state: 'Paused', asOf: 5, version: 5, seenAt: 5 });
    f.offer({ id: 'a', state: 'Paused', asOf: 11, version: 11, seenAt: 11 });
    f.offer({ id: 'a', state: 'Running', asOf: 12, version: 12, seenAt: 12 });
    expect(f.backlog).toBe(0);
    f.offer({ id: 'a', state: 'Stopped', asOf: 13, version: 13, seenAt: 13 });
    expect(await drain(f, 1)).toEqual([{ kind: 'state', id: 'a', previousState: 'Running', state: 'Stopped', asOf: 13, seenAt: 13 }]);
  });

  it('ends a reader waiting on it when returned, and says `expired` once when the credentials run out', async () => {
    const { feed: f, ended } = feed(['a']);
    const waiting = f.next();
    await f.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(ended).toHaveLength(1);
    const expiring = new SubscriberFeed(['a'], { onEnd: () => undefined, expiresAt: Date.now() + 20 });
    expect(await expiring.next()).toEqual({ done: false, value: { kind: 'expired' } });
    expect(await expiring.next()).toEqual({ done: true, value: undefined });
  });
});
