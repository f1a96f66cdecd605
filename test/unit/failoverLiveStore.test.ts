import { createFailoverLiveStore } from '../../src/live/failoverLiveStore';
import { createLocalLiveStore, type LiveStore, type StateChange } from '../../src/live/liveStore';

// The switch between the fleet's store and the replica's own; the fleet's is an in-process store
// here (the Redis one is exercised against a real redis-server in the integration tests).

const flush = () => new Promise((resolve) => setImmediate(resolve));

/**
 * An in-process store whose versions run `ahead` ms in front of this process's clock (Redis's clock
 * ahead); while `cut`, its changes do not reach this replica (the channel is down).
 */
function fleetStore(ahead = 0): LiveStore & { cut: boolean } {
  const store = createLocalLiveStore();
  const fleet = {
    ...store,
    cut: false,
    onChange: (listener: (change: StateChange) => void) => store.onChange((change) => fleet.cut || listener({ ...change, version: change.version + ahead })),
  };
  return fleet;
}

function setUp(fleet = fleetStore()) {
  const link = { available: true };
  const local = createLocalLiveStore();
  const store = createFailoverLiveStore({ fleet, local, link, localRateShare: 1 / 3 });
  const heard: StateChange[] = [];
  store.onChange((change) => heard.push(change));
  return { link, fleet, local, store, heard };
}

const poll = (id: string, state: 'Running' | 'Paused' | 'Stopped', asOf: number) => [{ id, state, asOf, source: 'poll' as const }];

describe('failover live store', () => {
  it('uses the fleet while the link is up and the replica\u2019s own lease and rate share while it is down', async () => {
    const { link, store, heard } = setUp();
    await store.declareInterest(['c'], 10_000);
    expect(store.rateShare).toBe(1);
    await store.record(poll('c', 'Running', 1000), { announce: false, seenAt: 1000 });
    await flush();
    expect(heard.map((c) => c.state)).toEqual(['Running']);

    link.available = false;
    expect(store.rateShare).toBeCloseTo(1 / 3);
    expect(await store.holdLease(3000)).toBe(true);
    expect(await store.watchedIds()).toEqual(['c']);
    await store.record(poll('c', 'Stopped', 2000), { announce: false, seenAt: 2000 });
    await flush();
    expect(heard.map((c) => c.state)).toEqual(['Running', 'Stopped']);
    expect((heard[1] as StateChange).version).toBeGreaterThan((heard[0] as StateChange).version);
  });

  it('never hands on a state older than the one the fleet last told, after the switch', async () => {
    const { link, store, heard } = setUp();
    await store.declareInterest(['c'], 10_000);
    await store.record(poll('c', 'Stopped', 5000), { announce: false, seenAt: 5000 });
    await flush();
    link.available = false;
    // A poll answered from an older copy of the state.
    await store.record(poll('c', 'Running', 3000), { announce: false, seenAt: 6000 });
    await flush();
    expect(heard.map((c) => c.state)).toEqual(['Stopped']);
    const known = await store.known(['c']);
    expect(known.get('c')?.record?.state).toBe('Stopped');
  });

  it('numbers the replica\u2019s own changes above the fleet\u2019s when the fleet\u2019s clock is ahead', async () => {
    const { link, store, heard } = setUp(fleetStore(3_600_000));
    await store.declareInterest(['c'], 10_000);
    await store.record(poll('c', 'Running', 1000), { announce: false, seenAt: 1000 });
    await flush();
    link.available = false;
    await store.record(poll('c', 'Paused', 2000), { announce: false, seenAt: 2000 });
    await flush();
    expect(heard.map((c) => c.state)).toEqual(['Running', 'Paused']);
    expect((heard[1] as StateChange).version).toBeGreaterThan((heard[0] as StateChange).version);
  });

  it('hands on what the fleet knows when the link is back', async () => {
    const { link, fleet, store, heard } = setUp();
    await store.declareInterest(['c'], 10_000);
    link.available = false;
    fleet.cut = true;
    await store.record(poll('c', 'Paused', 1000), { announce: false, seenAt: 1000 });
    await flush();
    // Another replica's record reaches the fleet's store meanwhile (this one does not hear it).
    await fleet.record(poll('c', 'Stopped', 2000), { announce: false, seenAt: 2000 });
    await flush();
    expect(heard.map((c) => c.state)).toEqual(['Paused']);
    link.available = true;
    fleet.cut = false;
    await store.watchedIds();
    await flush();
    expect(heard.map((c) => c.state)).toEqual(['Paused', 'Stopped']);
  });
});
