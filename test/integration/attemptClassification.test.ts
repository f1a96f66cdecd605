import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GetCampaignStateBatchCommand, StartCampaignCommand } from '@aws-sdk/client-connectcampaignsv2';
import { AwsCallFailure } from '../../src/aws/callFailure';
import { createCampaignsClient } from '../../src/aws/campaignsClient';
import { toUpstreamError } from '../../src/campaigns/upstreamError';

/**
 * The one classifier (`classifyAttempt`) judged from real wire events: a tiny TCP server on
 * loopback plays each fault against the real SDK through the gateway's boundary, one attempt each.
 */
type Behaviour = (socket: Socket) => void;

const servers: Array<Server | TcpServer> = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A raw TCP server that reads the request's head, then does `behaviour`. */
async function rawServer(behaviour: Behaviour): Promise<string> {
  const server = createTcpServer((socket) => {
    let head = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.removeAllListeners('data');
        behaviour(socket);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

async function failureOf(endpoint: string, command: 'start' | 'read'): Promise<AwsCallFailure> {
  const client = createCampaignsClient({ requestTimeoutMs: 300, connectTimeoutMs: 300, emulatorEndpoint: endpoint, maxAttempts: 1 });
  const aws = client.forRequest();
  try {
    await aws.send(command === 'start' ? new StartCampaignCommand({ id: 'c1' }) : new GetCampaignStateBatchCommand({ campaignIds: ['c1'] }));
    throw new Error('the call succeeded');
  } catch (err) {
    if (!(err instanceof AwsCallFailure)) throw err;
    return err;
  } finally {
    aws.close();
    client.destroy();
  }
}

const STATUS_200 = (contentLength: number) =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${contentLength}\r\nx-amzn-requestid: r1\r\n\r\n`;

describe('each attempt classified by what happened on the wire', () => {
  it('refused connection: not-sent (a start says UPSTREAM_UNAVAILABLE)', async () => {
    const failure = await failureOf(await closedPort(), 'start');
    expect(failure.attempts.map((a) => a.result)).toEqual(['not-sent']);
    expect(toUpstreamError(failure).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('reset after sending, before any status line: no-answer (a start says OUTCOME_UNKNOWN)', async () => {
    const failure = await failureOf(await rawServer((socket) => socket.resetAndDestroy()), 'start');
    expect(failure.attempts.map((a) => a.result)).toEqual(['no-answer']);
    expect(toUpstreamError(failure).code).toBe('OUTCOME_UNKNOWN');
  });

  it('status line, then the connection closed before the body was complete: no-answer', async () => {
    const endpoint = await rawServer((socket) => {
      socket.write(STATUS_200(100) + '{"successfulRequests":');
      setTimeout(() => socket.destroy(), 20);
    });
    const read = await failureOf(endpoint, 'read');
    expect(read.attempts.map((a) => a.result)).toEqual(['no-answer']);
    expect(toUpstreamError(read).code).toBe('UPSTREAM_UNAVAILABLE');
    const start = await failureOf(endpoint, 'start');
    expect(start.attempts.map((a) => a.result)).toEqual(['no-answer']);
    expect(toUpstreamError(start).code).toBe('OUTCOME_UNKNOWN');
  });

  it('status line, then the body stalls past the per-attempt timeout: no-answer, cut at the timeout', async () => {
    const endpoint = await rawServer((socket) => socket.write(STATUS_200(100) + '{'));
    const started = performance.now();
    const start = await failureOf(endpoint, 'start');
    expect(performance.now() - started).toBeLessThan(300 + 1000);
    expect(start.attempts.map((a) => a.result)).toEqual(['no-answer']);
    expect(toUpstreamError(start).code).toBe('OUTCOME_UNKNOWN');
  });

  it('no status line within the per-attempt timeout: no-answer', async () => {
    const failure = await failureOf(await rawServer(() => undefined), 'read');
    expect(failure.attempts.map((a) => a.result)).toEqual(['no-answer']);
  });

  it('a complete but unreadable answer: answered (a read says UPSTREAM_ERROR)', async () => {
    const body = '<html>not json</html>';
    const failure = await failureOf(await rawServer((socket) => socket.end(STATUS_200(body.length) + body)), 'read');
    expect(failure.attempts.map((a) => a.result)).toEqual(['answered']);
    expect(toUpstreamError(failure).code).toBe('UPSTREAM_ERROR');
  });
});
