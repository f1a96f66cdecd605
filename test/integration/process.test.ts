import { spawn } from 'node:child_process';
import { describeBuilt, emulatorFault, MAIN, postGraphql, startServerProcess } from '../helpers/serverProcess';

const START = 'mutation { startCampaign(id: "demo-spring-renewals") { __typename } }';

describeBuilt('the compiled server process (npm start)', () => {
  it('starts on the embedded emulator with no configuration, and a SIGTERM during a slow start still answers it, then exits 0', async () => {
    const p = await startServerProcess({});
    expect(p.lines.some((l) => l.backend === 'emulator')).toBe(true);
    expect(p.lines.filter((l) => l.event === 'auth.disabled')).toEqual([]);
    // Make the emulator slow, through its control API, so the start is in flight at SIGTERM.
    await emulatorFault(p, { action: 'delay', operation: 'StartCampaign', ms: 700 });
    const answer = postGraphql(p, START).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 200));
    p.child.kill('SIGTERM');
    await expect(answer).resolves.toEqual({ data: { startCampaign: { __typename: 'StartCampaignSuccess' } } });
    await expect(p.exit).resolves.toBe(0);
    expect(p.lines.some((l) => l.event === 'campaign.start' && l.outcome === 'StartCampaignSuccess')).toBe(true);
  });

  it('answers a start whose AWS answer drips past the deadline when SIGTERM comes during it (OUTCOME_UNKNOWN, audited), then exits 0', async () => {
    const p = await startServerProcess({ UPSTREAM_DEADLINE_MS: '1500', UPSTREAM_REQUEST_TIMEOUT_MS: '60000', AWS_MAX_ATTEMPTS: '1' });
    // Headers at once, then a body that would take a minute.
    await emulatorFault(p, { action: 'dripNext', operation: 'StartCampaign', times: 1, intervalMs: 600, padBytes: 100 });
    const started = performance.now();
    const answer = postGraphql(p, START).then((r) => r.json() as Promise<{ errors?: Array<{ extensions?: { code?: string } }> }>);
    await new Promise((r) => setTimeout(r, 300));
    p.child.kill('SIGTERM');
    const body = await answer;
    expect(body.errors?.[0]?.extensions?.code).toBe('OUTCOME_UNKNOWN');
    expect(performance.now() - started).toBeLessThan(1500 + 1000);
    await expect(p.exit).resolves.toBe(0);
    expect(p.lines).toContainEqual(expect.objectContaining({ event: 'campaign.start', outcome: 'error', errorCode: 'OUTCOME_UNKNOWN' }));
  });

  it('finishes and audits a start whose caller hung up when SIGTERM comes during it, then exits 0', async () => {
    const p = await startServerProcess({ AWS_MAX_ATTEMPTS: '1' });
    await emulatorFault(p, { action: 'delay', operation: 'StartCampaign', ms: 700 });
    const hangUp = new AbortController();
    const sent = postGraphql(p, START, hangUp.signal).catch(() => undefined);
    // Once the start is on the wire (the emulator records a call on arrival, before its delay).
    const startsSeen = async () => ((await (await fetch(`${p.emulatorUrl}/__emulator/calls`)).json()) as { counts: Record<string, number> }).counts['StartCampaign'] ?? 0;
    while ((await startsSeen()) === 0) await new Promise((r) => setTimeout(r, 20));
    // No connection is left for the drain to wait on; the start is still running.
    hangUp.abort();
    await sent;
    p.child.kill('SIGTERM');
    await expect(p.exit).resolves.toBe(0);
    expect(p.lines).toContainEqual(expect.objectContaining({ event: 'campaign.start', outcome: 'StartCampaignSuccess' }));
  });

  it('warns at start, naming the risk, when production runs with AUTH_MODE=none', async () => {
    const p = await startServerProcess({ NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'emulator', HOST: '127.0.0.1' });
    const ready = p.lines.findIndex((l) => typeof l.url === 'string');
    const warning = p.lines.findIndex((l) => l.event === 'auth.disabled');
    expect(warning).toBeGreaterThanOrEqual(0);
    expect(warning).toBeLessThan(ready);
    expect(p.lines[warning]).toMatchObject({ level: 40, authMode: 'none', msg: expect.stringMatching(/AUTH_MODE=none in production.*may start campaigns/) });
    // No CURSOR_SECRET either: replicas would refuse each other's cursors, which is said at start too.
    expect(p.lines).toContainEqual(expect.objectContaining({ level: 40, event: 'cursor.key.random', msg: expect.stringMatching(/CURSOR_SECRET is not set/) }));
    p.child.kill('SIGTERM');
    await expect(p.exit).resolves.toBe(0);
  });

  it('serves /metrics on METRICS_PORT only, when set, and names it in the ready line', async () => {
    const p = await startServerProcess({ METRICS_PORT: '0' });
    const ready = p.lines.find((l) => typeof l.url === 'string')!;
    expect(ready.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(ready.metricsUrl).not.toBe(p.gatewayUrl.replace(/\/graphql$/, '/metrics'));
    expect((await fetch(ready.metricsUrl as string)).status).toBe(200);
    expect((await fetch(p.gatewayUrl.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
    p.child.kill('SIGTERM');
    await expect(p.exit).resolves.toBe(0);
  });

  it('exits 1 naming the variable when the configuration is bad', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('AUTH_MODE');
  });

  it('names every bad variable at once, one a line', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', PORT: 'http', LOG_LEVEL: 'loud', AUTH_MODE: 'jwt' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(1);
    const named = stderr.split('\n').filter((line) => /^ {2}[A-Z_]+: /.test(line)).map((line) => line.trim().split(':')[0]);
    expect(named).toEqual(['PORT', 'LOG_LEVEL', 'AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']);
  });

  it('says in its ready line what to do next: the explorer, the emulator control API, a curl that works', async () => {
    const p = await startServerProcess({});
    const ready = p.lines.find((l) => typeof l.url === 'string')!;
    expect(ready.msg).toEqual(expect.stringContaining(`gateway ready at ${p.gatewayUrl}`));
    for (const field of ['explorerUrl', 'emulatorControlUrl', 'tryCurl'] as const) expect(ready.msg).toEqual(expect.stringContaining(ready[field] as string));
    const explorer = await fetch(ready.explorerUrl as string, { headers: { accept: 'text/html' } });
    expect(await explorer.text()).toContain('/explorer/graphiql.min.js');
    expect((await fetch(`${ready.emulatorControlUrl as string}health`)).status).toBe(200);
    // The curl, as a shell would split it: a GET with the preflight header and the query.
    const curl = /^curl -sG (\S+) -H '([^:]+): ([^']+)' --data-urlencode 'query=(.+)'$/.exec(ready.tryCurl as string);
    expect(curl).not.toBeNull();
    const [, url, header, value, query] = curl!;
    const res = await fetch(`${url}?query=${encodeURIComponent(query!)}`, { headers: { [header!]: value! } });
    const body = (await res.json()) as { data?: { campaigns?: { edges: unknown[] } } };
    expect(body.data?.campaigns?.edges.length).toBeGreaterThan(0);
    p.child.kill('SIGTERM');
    await expect(p.exit).resolves.toBe(0);
  });

  it('offers no explorer in production, where the ready line names none', async () => {
    const p = await startServerProcess({ NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'emulator', HOST: '127.0.0.1' });
    const ready = p.lines.find((l) => typeof l.url === 'string')!;
    expect(ready.explorerUrl).toBeUndefined();
    expect(ready.msg).not.toContain('explorer');
    const page = await fetch(p.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).not.toMatch(/html/);
    p.child.kill('SIGTERM');
    await expect(p.exit).resolves.toBe(0);
  });

  it('runs the emulator on EMULATOR_PORT, and stops naming it when that port is taken', async () => {
    const first = await startServerProcess({});
    const taken = new URL(first.emulatorUrl).port;
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', PORT: '0', EMULATOR_PORT: taken, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(1);
    expect(stderr).toMatch(new RegExp(`EMULATOR_PORT: port ${taken} is in use`));
    first.child.kill('SIGTERM');
    await expect(first.exit).resolves.toBe(0);
  });
});
