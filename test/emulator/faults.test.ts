import {
  ConnectCampaignsV2ServiceException,
  GetCampaignStateCommand,
  ListCampaignsCommand,
  StartCampaignCommand,
  ThrottlingException,
} from '@aws-sdk/client-connectcampaignsv2';
import { createEmulator } from '../../src/emulator';
import { caught, raw, sdkClient, useEmulatorWithClient } from './helpers';

/**
 * In plain Node the SDK rejects with the socket error itself (code ECONNRESET, renamed
 * TimeoutError by the node-http-handler). Under Jest that error comes from another realm, fails the
 * retry middleware's `instanceof Error`, and is wrapped as "AWS SDK error wrapper for TimeoutError:
 * socket hang up" without `code`; accept both.
 */
function isConnectionReset(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === 'ECONNRESET' || /socket hang up|ECONNRESET/.test(e.message ?? '');
}

describe('emulator fault injection', () => {
  const fx = useEmulatorWithClient();

  const getState = () => fx.client.send(new GetCampaignStateCommand({ id: 'demo-spring-renewals' }));

  async function elapsed(fn: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  }

  it('delay adds latency to the named operation only, for `times` calls', async () => {
    await getState(); // warm the connection so timings measure the delay, not the handshake
    fx.emulator.faults.delay('GetCampaignState', 150, 1);
    expect(await elapsed(getState)).toBeGreaterThanOrEqual(140);
    expect(await elapsed(getState)).toBeLessThan(100);
    fx.emulator.faults.delay('GetCampaignState', 150);
    expect(await elapsed(() => fx.client.send(new ListCampaignsCommand({ maxResults: 1 })))).toBeLessThan(100);
  });

  it('a wildcard delay applies to every operation until cleared', async () => {
    fx.emulator.faults.delay('*', 120);
    expect(await elapsed(getState)).toBeGreaterThanOrEqual(110);
    expect(await elapsed(() => fx.client.send(new ListCampaignsCommand({ maxResults: 1 })))).toBeGreaterThanOrEqual(110);
    fx.emulator.faults.clear();
    expect(await elapsed(getState)).toBeLessThan(100);
  });

  it('delayed calls are recorded on arrival and can still fail', async () => {
    fx.emulator.faults.delay('StartCampaign', 50, 1);
    fx.emulator.faults.failNext('StartCampaign', 1, { name: 'ThrottlingException' });
    const pending = fx.client.send(new StartCampaignCommand({ id: 'demo-spring-renewals' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fx.emulator.callCount('StartCampaign')).toBe(1);
    await expect(pending).rejects.toBeInstanceOf(ThrottlingException);
  });

  it('dripNext answers the status line and headers at once, then the body a byte at a time, after carrying out the call', async () => {
    fx.emulator.faults.dripNext('StartCampaign', 1, { intervalMs: 40, padBytes: 5 });
    const started = performance.now();
    const res = await fetch(`${fx.emulator.url}/v2/campaigns/demo-spring-renewals/start`, { method: 'POST' });
    const headersAfter = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('5');
    // The start happened before the first byte of the body.
    expect(fx.emulator.store.get('demo-spring-renewals')?.state).toBe('Running');
    const body = await res.text();
    const bodyAfter = performance.now() - started;
    expect(body).toBe('     ');
    expect(headersAfter).toBeLessThan(100);
    expect(bodyAfter).toBeGreaterThanOrEqual(150);
    // Only the next call drips.
    const reads = await fetch(`${fx.emulator.url}/v2/campaigns/demo-spring-renewals/state`);
    expect(await reads.json()).toEqual({ state: 'Running' });
  });

  it('a dripped JSON answer stays valid JSON for the SDK', async () => {
    fx.emulator.faults.dripNext('GetCampaignState', 1, { intervalMs: 1, padBytes: 3 });
    await expect(getState()).resolves.toMatchObject({ state: 'Initialized' });
  });

  it('dropNext resets the connection and the SDK throws a connection error', async () => {
    fx.emulator.faults.dropNext('GetCampaignState', 1);
    const error = await caught(getState);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ConnectCampaignsV2ServiceException);
    expect(isConnectionReset(error)).toBe(true);
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBeUndefined();
    expect(fx.emulator.callCount('GetCampaignState')).toBe(1);
    // The client recovers on a fresh connection.
    await expect(getState()).resolves.toMatchObject({ state: 'Initialized' });
  });

  it('a dropped connection is retried by the SDK default policy', async () => {
    const defaultClient = sdkClient(fx.emulator.url);
    try {
      fx.emulator.faults.dropNext('GetCampaignState', 1);
      const out = await defaultClient.send(new GetCampaignStateCommand({ id: 'demo-spring-renewals' }));
      expect(out.state).toBe('Initialized');
      expect(out.$metadata.attempts).toBe(2);
      expect(fx.emulator.callCount('GetCampaignState')).toBe(2);
    } finally {
      defaultClient.destroy();
    }
  });

  it('a throttled call is retried by the SDK default policy: exactly 3 attempts', async () => {
    const defaultClient = sdkClient(fx.emulator.url);
    try {
      fx.emulator.faults.failNext('StartCampaign', 5, { name: 'ThrottlingException', message: 'slow down' });
      const error = await caught(() => defaultClient.send(new StartCampaignCommand({ id: 'demo-spring-renewals' })));
      expect(error).toBeInstanceOf(ThrottlingException);
      expect((error as ThrottlingException).$metadata.attempts).toBe(3);
      expect(fx.emulator.callCount('StartCampaign')).toBe(3);
      expect(fx.emulator.calls.map((c) => c.operation)).toEqual(['StartCampaign', 'StartCampaign', 'StartCampaign']);
    } finally {
      defaultClient.destroy();
    }
  });

  it('rejects bad fault arguments', () => {
    expect(() => fx.emulator.faults.failNext('NoSuchOperation' as 'StartCampaign', 1, { name: 'ThrottlingException' })).toThrow(
      TypeError,
    );
    expect(() => fx.emulator.faults.failNext('StartCampaign', -1, { name: 'ThrottlingException' })).toThrow(TypeError);
    expect(() => fx.emulator.faults.failNext('StartCampaign', 1, { name: 'bad name\r\n' })).toThrow(TypeError);
    expect(() => fx.emulator.faults.delay('*', -5)).toThrow(TypeError);
  });

  describe('control HTTP API', () => {
    it('arms faults, reports calls and resets', async () => {
      const armed = await raw(
        fx.emulator.url,
        'POST',
        '/__emulator/faults',
        JSON.stringify({ action: 'failNext', operation: 'GetCampaignState', times: 1, error: { name: 'AccessDeniedException', message: 'nope' } }),
      );
      expect(armed.status).toBe(200);
      const error = await caught(getState);
      expect((error as ConnectCampaignsV2ServiceException).name).toBe('AccessDeniedException');
      expect((error as ConnectCampaignsV2ServiceException).message).toBe('nope');

      await fx.client.send(new StartCampaignCommand({ id: 'demo-spring-renewals' }));
      const calls = await raw(fx.emulator.url, 'GET', '/__emulator/calls');
      expect(calls.status).toBe(200);
      const report = JSON.parse(calls.body) as { calls: { operation: string; campaignIds: string[] }[]; counts: Record<string, number> };
      expect(report.calls.map((c) => c.operation)).toEqual(['GetCampaignState', 'StartCampaign']);
      expect(report.counts).toMatchObject({ GetCampaignState: 1, StartCampaign: 1, ListCampaigns: 0 });

      const reset = await raw(fx.emulator.url, 'POST', '/__emulator/reset');
      expect(reset.status).toBe(200);
      expect(fx.emulator.calls).toHaveLength(0);
      expect(fx.emulator.store.get('demo-spring-renewals')?.state).toBe('Initialized');
    });

    it('arms dripNext', async () => {
      const armed = await raw(
        fx.emulator.url,
        'POST',
        '/__emulator/faults',
        JSON.stringify({ action: 'dripNext', operation: 'GetCampaignState', times: 1, intervalMs: 30, padBytes: 4 }),
      );
      expect(armed.status).toBe(200);
      expect(await elapsed(getState)).toBeGreaterThanOrEqual(4 * 30);
      const bad = await raw(fx.emulator.url, 'POST', '/__emulator/faults', JSON.stringify({ action: 'dripNext', operation: 'GetCampaignState', times: 1, intervalMs: 0 }));
      expect(bad.status).toBe(400);
    });

    it('arms delay and dropNext, and clears', async () => {
      await raw(fx.emulator.url, 'POST', '/__emulator/faults', JSON.stringify({ action: 'delay', operation: '*', ms: 120 }));
      expect(await elapsed(getState)).toBeGreaterThanOrEqual(110);
      await raw(fx.emulator.url, 'POST', '/__emulator/faults', JSON.stringify({ action: 'clear' }));
      await raw(fx.emulator.url, 'POST', '/__emulator/faults', JSON.stringify({ action: 'dropNext', operation: 'GetCampaignState', times: 1 }));
      expect(isConnectionReset(await caught(getState))).toBe(true);
      expect(await elapsed(getState)).toBeLessThan(100);
    });

    it('seeds campaigns and answers health', async () => {
      const put = await raw(fx.emulator.url, 'POST', '/__emulator/campaigns', JSON.stringify({ id: 'from-control', state: 'Paused' }));
      expect(put.status).toBe(200);
      await expect(fx.client.send(new GetCampaignStateCommand({ id: 'from-control' }))).resolves.toMatchObject({ state: 'Paused' });
      const list = JSON.parse((await raw(fx.emulator.url, 'GET', '/__emulator/campaigns')).body) as { campaigns: { id: string }[] };
      expect(list.campaigns.some((c) => c.id === 'from-control')).toBe(true);
      expect((await raw(fx.emulator.url, 'GET', '/__emulator/health')).status).toBe(200);
    });

    it('refuses bad requests and does not record control calls', async () => {
      const badAction = await raw(fx.emulator.url, 'POST', '/__emulator/faults', JSON.stringify({ action: 'explode' }));
      expect(badAction.status).toBe(400);
      const badOp = await raw(fx.emulator.url, 'POST', '/__emulator/faults', JSON.stringify({ action: 'dropNext', operation: 'Nope', times: 1 }));
      expect(badOp.status).toBe(400);
      expect(JSON.parse(badOp.body)).toEqual({ error: expect.stringContaining('Nope') });
      expect((await raw(fx.emulator.url, 'POST', '/__emulator/faults', '{')).status).toBe(400);
      expect((await raw(fx.emulator.url, 'GET', '/__emulator/nothing')).status).toBe(404);
      expect(fx.emulator.callCount()).toBe(0);
    });
  });
});

describe('emulator lifecycle', () => {
  it('url throws until started; start twice rejects; restart works', async () => {
    const emulator = createEmulator();
    expect(() => emulator.url).toThrow('not started');
    const url = await emulator.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.url).toBe(url);
    await expect(emulator.start()).rejects.toThrow('already started');
    await emulator.stop();
    expect(() => emulator.url).toThrow('not started');
    await emulator.stop(); // idempotent
    const again = await emulator.start();
    expect((await raw(again, 'GET', '/__emulator/health')).status).toBe(200);
    await emulator.stop();
  });

  it('stop closes keep-alive sockets and pending delayed calls promptly', async () => {
    const emulator = createEmulator();
    const client = sdkClient(await emulator.start(), 1);
    try {
      await client.send(new GetCampaignStateCommand({ id: 'demo-spring-renewals' })); // leaves a pooled socket open
      emulator.faults.delay('GetCampaignState', 10_000);
      const pending = caught(() => client.send(new GetCampaignStateCommand({ id: 'demo-spring-renewals' })));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const started = performance.now();
      await emulator.stop();
      expect(performance.now() - started).toBeLessThan(500);
      expect(await pending).toBeInstanceOf(Error);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});
