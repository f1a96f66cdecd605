/**
 * The alternative the gateway is measured against: a few lines of node:http calling the AWS SDK
 * with a default client (everything from the standard AWS environment, nothing tuned).
 * POST {"id": "..."} -> StartCampaign -> 200 {"ok":true,"requestId":...} or AWS's status and error name.
 */
import { createServer } from 'node:http';
import { ConnectCampaignsV2Client, StartCampaignCommand } from '@aws-sdk/client-connectcampaignsv2';

const client = new ConnectCampaignsV2Client({});

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    let id: unknown;
    try {
      id = (JSON.parse(body) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (typeof id !== 'string') {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"body must be {\\"id\\": string}"}');
      return;
    }
    client.send(new StartCampaignCommand({ id })).then(
      (out) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, requestId: out.$metadata.requestId }));
      },
      (err: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }) => {
        res
          .writeHead(err.$metadata?.httpStatusCode ?? 502, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: false, error: err.name, message: err.message }));
      },
    );
  });
});

server.listen(Number(process.env['PORT'] ?? 4100), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'baseline listening', port: (server.address() as { port: number }).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
