import { createServer, type Server, type ServerResponse } from 'node:http';
import { Drain, DRAIN_MARGIN_MS } from '../../src/http/drain';

/** A response that records the headers set on it, not yet sent. */
function response(): ServerResponse & { set: Record<string, string> } {
  const set: Record<string, string> = {};
  return { set, headersSent: false, setHeader: (name: string, value: string) => (set[name] = value) } as unknown as ServerResponse & {
    set: Record<string, string>;
  };
}

function listening(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('Drain', () => {
  const deadlineMs = 10_000;

  it('admits everything before SIGTERM, then only what arrives during the shutdown delay', () => {
    let now = 0;
    const drain = new Drain({ deadlineMs, shutdownDelayMs: 5000, now: () => now });
    expect(drain.admits(drain.deadlineOf(-1_000_000))).toBe(true);
    now = 100;
    drain.begin();
    expect(drain.draining).toBe(true);
    expect(drain.admits(drain.deadlineOf(100))).toBe(true);
    expect(drain.admits(drain.deadlineOf(5099))).toBe(true);
    expect(drain.admits(drain.deadlineOf(5101))).toBe(false);
  });

  it('closes the connection of every answer still to come once draining, and of every request arriving after', () => {
    const drain = new Drain({ deadlineMs, shutdownDelayMs: 0 });
    const inFlight = response();
    drain.track(new Promise(() => undefined), inFlight, drain.deadlineOf(performance.now()));
    const before = response();
    drain.arrived(before);
    drain.begin();
    const after = response();
    drain.arrived(after);
    expect([inFlight.set, before.set, after.set]).toEqual([{ connection: 'close' }, {}, { connection: 'close' }]);
  });

  it('waits for a request in flight until it settles', async () => {
    const drain = new Drain({ deadlineMs, shutdownDelayMs: 0 });
    let finish!: () => void;
    drain.track(new Promise<void>((resolve) => (finish = resolve)), response(), drain.deadlineOf(performance.now()));
    let stopped = false;
    const server = await listening();
    const stopping = drain.stop(server).then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(server.listening).toBe(false);
  });

  it('stops waiting for a request once its deadline has passed by the margin, and never waits for one it does not admit', async () => {
    const drain = new Drain({ deadlineMs: 100, shutdownDelayMs: 0 });
    const never = new Promise(() => undefined);
    drain.track(never, response(), drain.deadlineOf(performance.now()));
    // Arrived long after the drain's end could allow for: not waited for.
    drain.track(never, response(), drain.deadlineOf(performance.now() + 60_000));
    const startedAt = performance.now();
    await drain.stop(await listening());
    const tookMs = performance.now() - startedAt;
    expect(tookMs).toBeGreaterThanOrEqual(100 + DRAIN_MARGIN_MS - 50);
    expect(tookMs).toBeLessThan(100 + DRAIN_MARGIN_MS + 5000);
  });
});
