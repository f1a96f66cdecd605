import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { AttemptBoundHttpHandler, watchAttempt } from '../../src/aws/attemptBounds';
import { UndiciHttpHandler } from '../../src/aws/undiciHttpHandler';

/**
 * The AWS HTTP handler on real loopback sockets: what it hands the SDK, and how an attempt's cut
 * reaches a request (the rest of the wire faults: attemptClassification.test.ts).
 */
const sockets = new Set<Socket>();
let server: Server;
let port: number;
/** What the server does with each request's head. */
let answer: (socket: Socket, head: string) => void;

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        answer(socket, head);
        head = '';
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const request = (path = '/campaigns/c1/start') => ({
  protocol: 'http:',
  hostname: '127.0.0.1',
  port,
  method: 'POST',
  path,
  query: { a: 'x y' },
  headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': '2' },
  body: '{}',
});

async function text(body: unknown): Promise<string> {
  let out = '';
  for await (const chunk of body as Readable) out += String(chunk);
  return out;
}

describe('the AWS HTTP handler (undici)', () => {
  it('sends the signed request as it is and hands the SDK the status, the headers and the body stream', async () => {
    let seen = '';
    answer = (socket, head) => {
      seen = head;
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-amzn-requestid: r1\r\nx-multi: a\r\nx-multi: b\r\ncontent-length: 2\r\n\r\n{}');
    };
    const handler = new UndiciHttpHandler({ connectionTimeout: 1000 });
    try {
      const { response } = await handler.handle(request() as never);
      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'x-amzn-requestid': 'r1', 'x-multi': 'a, b' });
      expect(await text(response.body)).toBe('{}');
      expect(seen).toMatch(/^POST \/campaigns\/c1\/start\?a=x%20y HTTP\/1\.1\r\n/);
      expect(seen).toMatch(/\r\ncontent-type: application\/json\r\n/);
    } finally {
      handler.destroy();
    }
  });

  it("accepts the SDK's minimal abort-signal shape (aborted, onabort)", async () => {
    answer = () => undefined;
    const handler = new UndiciHttpHandler({ connectionTimeout: 1000 });
    try {
      await expect(handler.handle(request() as never, { abortSignal: { aborted: true, onabort: null } as never })).rejects.toMatchObject({ name: 'AbortError' });
      const signal = { aborted: false, onabort: null as (() => void) | null };
      const pending = handler.handle(request() as never, { abortSignal: signal as never });
      setTimeout(() => signal.onabort?.(), 50);
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      handler.destroy();
    }
  });

  it('cuts an attempt at once while it waits for a connection, not when one frees up', async () => {
    answer = () => undefined; // never answers: the one connection stays taken
    const handler = new AttemptBoundHttpHandler({ connectionTimeout: 1000, connections: 1 });
    try {
      const first = request();
      const firstWatch = watchAttempt(first);
      const holding = handler.handle(first as never);
      holding.catch(() => undefined);
      const queued = request();
      const watch = watchAttempt(queued);
      const started = performance.now();
      const waiting = handler.handle(queued as never);
      const cut = Object.assign(new Error('the deadline'), { name: 'AbortError' });
      setTimeout(() => watch.cutNow(cut), 50);
      await expect(waiting).rejects.toBe(cut);
      expect(performance.now() - started).toBeLessThan(500);
      firstWatch.cutNow(cut);
      await expect(holding).rejects.toBe(cut);
    } finally {
      handler.destroy();
    }
  });

  it('cuts the body stream when an attempt is cut after the headers', async () => {
    answer = (socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"successfulRequests":');
    const handler = new AttemptBoundHttpHandler({ connectionTimeout: 1000 });
    try {
      const req = request();
      const watch = watchAttempt(req);
      const { response } = await handler.handle(req as never);
      const cut = Object.assign(new Error('the attempt timeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
      setTimeout(() => watch.cutNow(cut), 20);
      await expect(text(response.body)).rejects.toBe(cut);
    } finally {
      handler.destroy();
    }
  });
});
