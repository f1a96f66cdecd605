import WebSocket from 'ws';
import { MAIN, describeBuilt, startServerProcess, type ServerProcess } from '../helpers/serverProcess';
import { metricValue, stopProcess } from '../helpers/fleet';

/**
 * A subscriber that reads nothing for 60 s while 50 campaigns change every 200 ms: what the gateway
 * holds for it stays bounded (its queue coalesces to one event per campaign once the socket's
 * buffers are full), and once it reads again it gets the latest state of each campaign.
 */
const CAMPAIGNS = Array.from({ length: 50 }, (_, i) => `slow-${String(i + 1).padStart(2, '0')}`);
const PAUSED_FOR_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let gateway: ServerProcess;

describeBuilt('a subscriber that stops reading', () => {
  beforeAll(async () => {
    // With the default keep-alive (12 s) a client that reads nothing misses two pings and is dropped
    // (it then reconnects to the latest states); here pings are rare, so that it stays connected.
    // SIGUSR2 makes it collect its garbage, so that what it holds is read without what it dropped.
    gateway = await startServerProcess(
      { LIVE_POLL_INTERVAL_MS: '200', LIVE_POLL_CALLS_PER_SECOND: '20', SUBSCRIPTION_KEEPALIVE_MS: '120000' },
      ['--expose-gc', '-e', `process.on('SIGUSR2', () => globalThis.gc()); require(${JSON.stringify(MAIN)});`],
    );
  }, 60_000);

  /** The gateway's heap in use right after a full collection. */
  async function heapHeld(): Promise<number> {
    gateway.child.kill('SIGUSR2');
    await sleep(200);
    return metricValue(gateway, 'nodejs_heap_size_used_bytes');
  }
  afterAll(() => gateway && stopProcess(gateway, 'SIGKILL'));

  it('costs the gateway bounded memory for 60 s of changes, then gets the latest states', async () => {
    const control = (campaign: { id: string; state: string }) =>
      fetch(`${gateway.emulatorUrl}/__emulator/campaigns`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(campaign) });
    for (const id of CAMPAIGNS) await control({ id, state: 'Running' });

    // The graphql-transport-ws protocol by hand, so that the socket can stop being read.
    const ws = new WebSocket(gateway.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const received: Array<{ id: string; state: string }> = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: { data?: { campaignStateChanged: { campaign: { id: string }; state: string } } } };
      if (message.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription($ids: [ID!]!) { campaignStateChanged(ids: $ids) { campaign { id } state stateAsOf previousState } }', variables: { ids: CAMPAIGNS } } }));
      }
      const change = message.payload?.data?.campaignStateChanged;
      if (message.type === 'next' && change) received.push({ id: change.campaign.id, state: change.state });
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    while (received.length < CAMPAIGNS.length) await sleep(20);

    const heapBefore = await heapHeld();
    // Stop reading: the kernel's buffers fill, then the gateway's writes wait.
    (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    let changes = 0;
    let flip = 0;
    const heaps: number[] = [];
    const until = Date.now() + PAUSED_FOR_MS;
    while (Date.now() < until) {
      const state = flip++ % 2 === 0 ? 'Paused' : 'Running';
      await Promise.all(CAMPAIGNS.map((id) => control({ id, state })));
      changes += CAMPAIGNS.length;
      await sleep(200);
      if (flip % 25 === 0) heaps.push(await heapHeld());
    }
    const heapAfter = await heapHeld();
    const readBefore = received.length;
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    // Read until nothing more comes for 2 s (the poller keeps polling; nothing changes any more).
    for (let seen = -1; seen !== received.length; ) {
      seen = received.length;
      await sleep(2000);
    }
    const emulatorStates = ((await (await fetch(`${gateway.emulatorUrl}/__emulator/campaigns`)).json()) as { campaigns: Array<{ id: string; state: string }> }).campaigns;
    const expected = new Map(emulatorStates.filter((c) => CAMPAIGNS.includes(c.id)).map((c) => [c.id, c.state.toUpperCase()]));
    const latest = new Map(received.map((r) => [r.id, r.state]));
    const delivered = received.length - readBefore;
    const maxHeap = Math.max(...heaps, heapAfter);
    process.stdout.write(
      `slow subscriber: ${changes} campaign changes in ${PAUSED_FOR_MS / 1000} s unread; gateway heap held ${(heapBefore / 2 ** 20).toFixed(1)} MiB before, at most ${(maxHeap / 2 ** 20).toFixed(1)} MiB during; ` +
        `${delivered} events delivered once it read again (the rest coalesced)\n`,
    );
    ws.close();
    // Bounded: far fewer events than changes reached it, and what the heap holds did not grow with
    // the changes (4 to 5 MiB on either Node line, read after a collection, so garbage is not counted).
    expect(delivered).toBeLessThan(changes / 2);
    expect(maxHeap - heapBefore).toBeLessThan(15 * 2 ** 20);
    expect(latest).toEqual(expected);
  }, 180_000);
});
