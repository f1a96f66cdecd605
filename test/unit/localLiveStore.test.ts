import { createLocalLiveStore, type StateChange } from '../../src/live/liveStore';

const action = (id: string, answeredAt: number) => [{ id, state: 'Running' as const, asOf: answeredAt - 5, answeredAt, source: 'action' as const }];

describe('the live-state store of one process', () => {
  it('keeps and announces the actions on campaigns someone watches, and keeps nothing of the others', async () => {
    const store = createLocalLiveStore();
    const changes: StateChange[] = [];
    store.onChange((change) => void changes.push(change));
    await store.declareInterest(['watched'], 60_000);
    const now = Date.now();
    await store.record([...action('watched', now), ...action('nobody-watches', now)], { announce: false, seenAt: now });
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    const known = await store.known(['watched', 'nobody-watches']);
    expect(known.get('watched')).toMatchObject({ record: { state: 'Running' }, watched: true });
    expect(known.get('nobody-watches')).toEqual({ record: undefined, watched: false });
    expect(changes.map((c) => c.id)).toEqual(['watched']);
  });

  it('keeps nothing of a campaign once its interest has run out', async () => {
    const store = createLocalLiveStore();
    await store.declareInterest(['c'], 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.record(action('c', Date.now()), { announce: false, seenAt: Date.now() });
    expect((await store.known(['c'])).get('c')?.record).toBeUndefined();
  });
});
