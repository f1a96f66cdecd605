import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StartCampaignCommand } from '@aws-sdk/client-connectcampaignsv2';
import { createCampaignsClient } from '../../src/aws/campaignsClient';

// The gateway's SDK client is tuned (cached middleware stack, no per-call user-agent work); what
// AWS receives must still be a signed, identifiable StartCampaign for the right campaign each time.
let server: Server;
let endpoint: string;
const received: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    req.on('end', () => res.writeHead(200, { 'x-amzn-requestid': `req-${received.length}` }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('requests the gateway sends to AWS', () => {
  it('are SigV4-signed StartCampaign calls for each campaign in turn, with a user agent naming the gateway', async () => {
    const client = createCampaignsClient({ requestTimeoutMs: 3000, connectTimeoutMs: 1000, emulatorEndpoint: endpoint, maxAttempts: 1 });
    try {
      const aws = client.forRequest();
      const first = await aws.send(new StartCampaignCommand({ id: 'first-campaign' }));
      const second = await aws.send(new StartCampaignCommand({ id: 'second-campaign' }));
      aws.close();
      expect([first.$metadata.requestId, second.$metadata.requestId]).toEqual(['req-1', 'req-2']);
    } finally {
      client.destroy();
    }
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v2/campaigns/first-campaign/start',
      'POST /v2/campaigns/second-campaign/start',
    ]);
    for (const { headers } of received) {
      expect(headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEMULATOR\/\d{8}\/us-east-1\/connect-campaigns\/aws4_request, SignedHeaders=[a-z0-9;-]*host;[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      expect(headers['user-agent']).toMatch(/^aws-sdk-js\/\S+ .*app\/campaign-gateway/);
      expect(headers['x-amz-user-agent']).toMatch(/^aws-sdk-js\//);
      expect(headers['amz-sdk-request']).toBe('attempt=1; max=1');
    }
    expect(received[0]?.headers.authorization).not.toBe(received[1]?.headers.authorization);
  });
});
