import { Agent, createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Drain, DRAIN_MARGIN_MS } from '../../src/http/drain';

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

  it('closes the connection of every answer written once draining: those in flight at SIGTERM and those arriving after', async () => {
    const drain = new Drain({ deadlineMs, shutdownDelayMs: 0 });
    // Answers wait until the test lets them go.
    const held: Array<() => void> = [];
    const server = createServer({ ServerResponse: drain.responseClass() }, (_req, res) => {
      held.push(() => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true });
    const ask = () =>
      new Promise<string | undefined>((resolve, reject) => {
        get({ host: '127.0.0.1', port, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers.connection));
        }).on('error', reject);
      });
    const waitForHeld = async (n: number) => {
      while (held.length < n) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    try {
      const before = ask();
      await waitForHeld(1);
      held[0]!();
      const inFlight = ask();
      await waitForHeld(2);
      drain.begin();
      held[1]!();
      const after = ask();
      await waitForHeld(3);
      held[2]!();
      expect(await Promise.all([before, inFlight, after])).toEqual(['keep-alive', 'close', 'close']);
    } finally {
      agent.destroy();
      server.close();
    }
  });

  it('waits for a request in flight until it settles', async () => {
    const drain = new Drain({ deadlineMs, shutdownDelayMs: 0 });
    let finish!: () => void;
    drain.track(new Promise<void>((resolve) => (finish = resolve)), drain.deadlineOf(performance.now()));
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
    drain.track(never, drain.deadlineOf(performance.now()));
    // Arrived long after the drain's end could allow for: not waited for.
    drain.track(never, drain.deadlineOf(performance.now() + 60_000));
    const startedAt = performance.now();
    await drain.stop(await listening());
    const tookMs = performance.now() - startedAt;
    expect(tookMs).toBeGreaterThanOrEqual(100 + DRAIN_MARGIN_MS - 50);
    expect(tookMs).toBeLessThan(100 + DRAIN_MARGIN_MS + 5000);
  });
});
