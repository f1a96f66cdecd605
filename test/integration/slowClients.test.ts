import { connect, type Socket } from 'node:net';
import { useHarness } from '../helpers/gatewayHarness';

/**
 * Slow and stalled clients over real sockets: what a client sends is bounded in time, and a
 * caller without a valid token never gets its body read.
 */

interface RawExchange {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<{ text: string; afterMs: number }>;
}

function openRaw(url: string, firstBytes: string): RawExchange {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const startedAt = Date.now();
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  // The server may reset a connection whose body it refused to read.
  socket.on('error', () => {});
  const closed = new Promise<{ text: string; afterMs: number }>((resolve) => {
    socket.once('close', () => resolve({ text, afterMs: Date.now() - startedAt }));
  });
  socket.write(firstBytes);
  return { socket, closed };
}

/** Resolves to what `promise` gives, or rejects after `ms` (Node's own defaults would take minutes). */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

const MiB = 1024 * 1024;

function postHead(path: string, contentLength: number, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n${extra}\r\n`;
}

describe('AUTH_MODE=jwt: a request without a valid token', () => {
  const harness = useHarness({
    // The key set is never fetched here: a missing or malformed token is refused from the headers.
    env: { AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json', AUTH_ISSUER: 'iss', AUTH_AUDIENCE: 'aud', BODY_TIMEOUT_MS: '60000' },
  });

  it.each([
    ['no token', ''],
    ['a malformed token', 'Authorization: Basic dXNlcjpwYXNz\r\n'],
  ])('with %s gets its 401 before sending its body, and the connection closes', async (_why, authorization) => {
    const h = harness();
    // 1 MiB declared, 1 KiB sent, then the client stalls: the answer must not wait for the rest.
    const raw = openRaw(h.url, postHead('/graphql', MiB, authorization) + 'x'.repeat(1024));
    const { text } = await within(5000, raw.closed);
    expect(text).toMatch(/^HTTP\/1\.1 401 /);
    expect(text).toMatch(/\r\nconnection: close\r\n/i);
    expect(text).toMatch(/\r\nwww-authenticate: Bearer/i);
    expect(text).toContain('"code":"UNAUTHENTICATED"');
    raw.socket.destroy();
  });

  it('is logged as refused and counted, with no operation name a caller chose', async () => {
    const h = harness();
    const raw = openRaw(h.url, postHead('/graphql', 200) + '{"query":"query Chosen { __typename }","operationName":"Chosen"}');
    await within(5000, raw.closed);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const line = h.logs.filter((l) => l['event'] === 'graphql.request').at(-1);
    expect(line).toMatchObject({ status: 401, outcome: 'rejected', operationName: null });
    expect(await h.scrapeMetrics()).not.toContain('Chosen');
  });
});

describe('slow clients (BODY_TIMEOUT_MS, HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS)', () => {
  const harness = useHarness({ env: { BODY_TIMEOUT_MS: '500', HEADERS_TIMEOUT_MS: '1000', KEEP_ALIVE_TIMEOUT_MS: '1000' } });

  it('answers a body that stalls 408 REQUEST_TIMEOUT and closes the connection', async () => {
    const h = harness();
    const raw = openRaw(h.url, postHead('/graphql', 1000) + '{"query":"');
    const { text } = await within(5000, raw.closed);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"REQUEST_TIMEOUT"');
    expect(h.emulator.callCount()).toBe(0);
  });

  it('closes a connection whose headers do not arrive in time', async () => {
    const h = harness();
    const raw = openRaw(h.url, 'POST /graphql HTTP/1.1\r\nHost: localhost\r\n');
    const { text, afterMs } = await within(5000, raw.closed);
    expect(text).toMatch(/^(HTTP\/1\.1 408 |$)/);
    expect(afterMs).toBeGreaterThanOrEqual(900);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const h = harness();
    const body = '{"query":"{ __typename }"}';
    const raw = openRaw(h.url, postHead('/graphql', body.length) + body);
    const { text } = await within(5000, raw.closed);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toMatch(/\r\nkeep-alive: timeout=1\r\n/i);
  });

  it('still serves a body sent slowly but within the time', async () => {
    const h = harness();
    const body = '{"query":"{ __typename }"}';
    const raw = openRaw(h.url, postHead('/graphql', body.length) + body.slice(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 200));
    raw.socket.write(body.slice(5));
    const { text } = await within(5000, raw.closed);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toContain('"__typename":"Query"');
  });
});
