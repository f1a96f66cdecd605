import { createServer, request, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createEmulator, type Emulator } from '../../src/emulator';
import { describeBuilt, startServerProcess, type ServerProcess } from '../helpers/serverProcess';
import { AUDIENCE, bearer, ISSUER, makeKey, signToken } from '../helpers/jwks';

/**
 * SIGTERM while a start is on its way in or out, against a real gateway process whose AWS is an
 * emulator in this test process, so that what reached "AWS" is still known after the gateway exits.
 */

const CAMPAIGN = 'demo-spring-renewals';
const START = JSON.stringify({ query: `mutation { startCampaign(id: "${CAMPAIGN}") { __typename } }` });

/** The Kubernetes reference's drain settings, as its ConfigMap gives them to the pod. */
function kubernetesDrainSettings(): Record<string, string> {
  const text = readFileSync(join(__dirname, '..', '..', 'deploy', 'kubernetes', 'configmap.yaml'), 'utf8');
  const data = (parseAllDocuments(text)[0]!.toJS() as { data: Record<string, string> }).data;
  const names = ['SHUTDOWN_DELAY_MS', 'UPSTREAM_DEADLINE_MS', 'UPSTREAM_REQUEST_TIMEOUT_MS', 'BODY_TIMEOUT_MS', 'HEADERS_TIMEOUT_MS'];
  return Object.fromEntries(names.filter((name) => data[name] !== undefined).map((name) => [name, data[name]!]));
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = createEmulator({ seed: true });
  await emulator.start(0, '127.0.0.1');
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.faults.clear();
  emulator.resetCalls();
  emulator.store.put({ id: CAMPAIGN, state: 'Initialized' });
});

function startGateway(settings: Record<string, string>): Promise<ServerProcess> {
  return startServerProcess({
    CAMPAIGNS_BACKEND: 'aws',
    AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2: emulator.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDDRAINTEST',
    AWS_SECRET_ACCESS_KEY: 'drain-test',
    AWS_EC2_METADATA_DISABLED: 'true',
    HOME: '/nonexistent',
    ...settings,
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A POST whose headers go now and whose body goes when `send` is called. */
function openPost(url: string, body: string): { req: ClientRequest; send(): void; answer: Promise<Answer> } {
  const req = request(url, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { req, send: () => req.end(body), answer };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startAudits(p: ServerProcess): Array<Record<string, unknown>> {
  return p.lines.filter((l) => l.event === 'campaign.start');
}

/** An HTTP/1.1 exchange on a raw socket, written in pieces: what `fetch` cannot do. */
function rawExchange(url: string): { write(text: string): void; response: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  const response = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  socket.on('error', () => undefined);
  return { write: (text) => socket.write(text), response };
}

function postText(url: string, body: string): string {
  const { host, pathname } = new URL(url);
  return `POST ${pathname} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describeBuilt('a start in flight at SIGTERM (real process)', () => {
  it('with the defaults: headers, SIGTERM 0.3 s later, the body 3 s later, AWS 2.5 s to answer: answered, audited once, then exit 0', async () => {
    const p = await startGateway({});
    // AWS carries the start out at once and takes about 2.5 s to send its answer (under the 3 s
    // per-attempt limit, so the one call is not retried).
    emulator.faults.dripNext('StartCampaign', 1, { intervalMs: 100, padBytes: 25 });
    const post = openPost(p.gatewayUrl, START);
    await sleep(300);
    p.child.kill('SIGTERM');
    await sleep(3000);
    post.send();
    const answer = await post.answer;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { startCampaign: { __typename: 'StartCampaignSuccess' } } });
    expect(answer.headers.connection).toBe('close');
    await expect(p.exit).resolves.toBe(0);
    expect(emulator.callCount('StartCampaign')).toBe(1);
    expect(emulator.store.get(CAMPAIGN)?.state).toBe('Running');
    expect(startAudits(p)).toEqual([expect.objectContaining({ campaignId: CAMPAIGN, outcome: 'StartCampaignSuccess' })]);
  }, 30_000);

  it('with the defaults: the same start while AWS takes longer than each attempt may: answered at its deadline, counted from its arrival, audited once, then exit 0', async () => {
    const p = await startGateway({});
    const deadlineMs = 10_000;
    // Every attempt is cut at 3 s and retried (3 attempts by default): the work outlasts the deadline.
    emulator.faults.delay('StartCampaign', 3500);
    const post = openPost(p.gatewayUrl, START);
    const arrivedAt = performance.now();
    await sleep(300);
    p.child.kill('SIGTERM');
    await sleep(3000);
    post.send();
    const answer = await post.answer;
    const answeredAt = performance.now();
    const body = JSON.parse(answer.body) as { data: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('OUTCOME_UNKNOWN');
    // Within the deadline from the headers' arrival (not from the body's), plus the margin.
    expect(answeredAt - arrivedAt).toBeLessThan(deadlineMs + 2000);
    await expect(p.exit).resolves.toBe(0);
    // One action attempt (its AWS calls are the SDK's retries of one call), one audit line.
    expect(emulator.callCount('StartCampaign')).toBeGreaterThanOrEqual(1);
    expect(startAudits(p)).toEqual([expect.objectContaining({ campaignId: CAMPAIGN, outcome: 'error', errorCode: 'OUTCOME_UNKNOWN' })]);
  }, 30_000);

  it("with the Kubernetes reference's settings: headers late in the shutdown delay, the body 9 s later, a slow AWS: answered within the request's deadline, audited once, then exit 0", async () => {
    const settings = kubernetesDrainSettings();
    const delayMs = Number(settings.SHUTDOWN_DELAY_MS);
    const deadlineMs = Number(settings.UPSTREAM_DEADLINE_MS ?? 10_000);
    expect(delayMs).toBeGreaterThan(1000);
    const p = await startGateway(settings);
    // AWS takes longer to answer than the per-attempt limit: each attempt is cut and retried.
    emulator.faults.delay('StartCampaign', 3500);
    const sigtermAt = performance.now();
    p.child.kill('SIGTERM');
    // Still accepted: the listener closes only at the end of the delay.
    await sleep(delayMs - 500);
    const post = openPost(p.gatewayUrl, START);
    const acceptedAt = performance.now();
    await sleep(deadlineMs - 1000);
    post.send();
    const answer = await post.answer;
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { errors?: Array<{ extensions?: { code?: string } }> };
    // The start was sent with what was left of the request's deadline (counted from its arrival)
    // and cut there: it may have happened, and the caller is told so.
    expect(body.errors?.[0]?.extensions?.code).toBe('OUTCOME_UNKNOWN');
    await expect(p.exit).resolves.toBe(0);
    const exitedAt = performance.now();
    // The request's deadline ends within the drain, not after the process is gone.
    expect(exitedAt - acceptedAt).toBeLessThan(deadlineMs + 2000 + 1500);
    expect(exitedAt - sigtermAt).toBeLessThan(delayMs + deadlineMs + 2000 + 1500);
    expect(emulator.callCount('StartCampaign')).toBe(1);
    expect(startAudits(p)).toEqual([expect.objectContaining({ campaignId: CAMPAIGN, outcome: 'error', errorCode: 'OUTCOME_UNKNOWN' })]);
  }, 45_000);

  it('refuses a start that arrives after the listener closed (pipelined behind one in flight): nothing sent to AWS, audited as SHUTTING_DOWN', async () => {
    const p = await startGateway({});
    const other = 'demo-payment-followup';
    emulator.store.put({ id: other, state: 'Initialized' });
    emulator.faults.delay('StartCampaign', 1500, 1);
    const exchange = rawExchange(p.gatewayUrl);
    exchange.write(postText(p.gatewayUrl, START));
    await sleep(300);
    p.child.kill('SIGTERM');
    await sleep(500);
    // The same connection, after the listener closed: the drain cannot wait for its deadline.
    exchange.write(postText(p.gatewayUrl, JSON.stringify({ query: `mutation { startCampaign(id: "${other}") { __typename } }` })));
    const response = await exchange.response;
    // The first is answered, and closes the connection: a pipelined request then goes unanswered
    // and its client sends it again elsewhere (RFC 9112, section 9.3.2).
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(response).toContain('StartCampaignSuccess');
    await expect(p.exit).resolves.toBe(0);
    expect(emulator.calls.filter((c) => c.operation === 'StartCampaign').map((c) => c.campaignIds)).toEqual([[CAMPAIGN]]);
    expect(emulator.store.get(other)?.state).toBe('Initialized');
    expect(startAudits(p)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ campaignId: CAMPAIGN, outcome: 'StartCampaignSuccess' }),
        expect.objectContaining({ campaignId: other, outcome: 'error', errorCode: 'SHUTTING_DOWN' }),
      ]),
    );
    expect(startAudits(p)).toHaveLength(2);
  }, 30_000);

  it('ignores a second SIGTERM (and a SIGINT) during the drain: the start in flight is answered and audited, then exit 0', async () => {
    const p = await startGateway({});
    emulator.faults.delay('StartCampaign', 1500, 1);
    const post = openPost(p.gatewayUrl, START);
    post.send();
    await sleep(300);
    p.child.kill('SIGTERM');
    await sleep(100);
    p.child.kill('SIGTERM');
    p.child.kill('SIGINT');
    const answer = await post.answer;
    expect(JSON.parse(answer.body)).toEqual({ data: { startCampaign: { __typename: 'StartCampaignSuccess' } } });
    await expect(p.exit).resolves.toBe(0);
    expect(p.lines.filter((l) => l.msg === 'already draining: the signal is ignored until requests in flight are finished')).toHaveLength(2);
    expect(startAudits(p)).toEqual([expect.objectContaining({ campaignId: CAMPAIGN, outcome: 'StartCampaignSuccess' })]);
  }, 30_000);

  it('waits for a start whose token waits on a stalled key-set fetch at SIGTERM: verified late, run within its deadline, audited, then exit 0', async () => {
    const key = await makeKey('drain-key');
    // The identity provider answers the key set 4 s after being asked (jose gives up at 5 s).
    const jwks = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] })), 4000);
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    try {
      const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
      const p = await startGateway({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
      const token = await signToken(key, { subject: 'alice', claims: { scope: 'campaigns:start' } });
      const answer = fetch(p.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: START });
      await sleep(300);
      p.child.kill('SIGTERM');
      const res = await answer;
      expect(await res.json()).toEqual({ data: { startCampaign: { __typename: 'StartCampaignSuccess' } } });
      await expect(p.exit).resolves.toBe(0);
      expect(startAudits(p)).toEqual([expect.objectContaining({ campaignId: CAMPAIGN, principal: 'alice', outcome: 'StartCampaignSuccess' })]);
    } finally {
      jwks.closeAllConnections();
      await new Promise((resolve) => jwks.close(resolve));
    }
  }, 30_000);
});
