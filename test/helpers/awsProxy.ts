import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in does to one call: its operation (from the route) and how many of that operation came before it. */
export interface ProxiedCall {
  operation: string;
  /** 0 for the first call of this operation through the proxy. */
  n: number;
}

export interface AwsProxyRules {
  /** Holds the answer back this long (the call has reached AWS already). */
  delayMs?(call: ProxiedCall): number;
  /** Replaces the request body AWS receives. */
  request?(call: ProxiedCall, body: string): string;
  /** Replaces the answer body the gateway receives (same status and headers). */
  answer?(call: ProxiedCall, body: string): string;
}

export interface AwsProxy {
  /** Where to point the SDK instead of the emulator. */
  readonly url: string;
  /** Calls seen, by operation. */
  count(operation: string): number;
  rules: AwsProxyRules;
  close(): Promise<void>;
}

/** The operation a Campaigns V2 route stands for (the routes the gateway uses). */
function operationOf(method: string, path: string): string {
  if (path === '/v2/campaigns-state') return 'GetCampaignStateBatch';
  if (path === '/v2/campaigns-summary') return 'ListCampaigns';
  const action = /^\/v2\/campaigns\/[^/]+\/(start|stop|pause|resume)$/.exec(path)?.[1];
  if (action) return `${action[0]!.toUpperCase()}${action.slice(1)}Campaign`;
  if (method === 'GET' && /^\/v2\/campaigns\/[^/]+$/.test(path)) return 'DescribeCampaign';
  return 'other';
}

/**
 * A slow or lying AWS stand-in: an HTTP proxy on loopback in front of the emulator, which passes
 * every call on and can delay or rewrite what goes through.
 */
export async function startAwsProxy(target: string, rules: AwsProxyRules = {}): Promise<AwsProxy> {
  const counts = new Map<string, number>();
  const base = new URL(target);
  const proxy: AwsProxy = {
    url: '',
    rules,
    count: (operation) => counts.get(operation) ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] as string;
      const operation = operationOf(req.method ?? 'GET', path);
      const n = counts.get(operation) ?? 0;
      counts.set(operation, n + 1);
      const call = { operation, n };
      let body = Buffer.concat(chunks).toString('utf8');
      if (proxy.rules.request) body = proxy.rules.request(call, body);
      const headers: IncomingHttpHeaders = { ...req.headers, host: base.host, 'content-length': String(Buffer.byteLength(body)) };
      const upstream = request({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          let text = Buffer.concat(parts).toString('utf8');
          if (proxy.rules.answer) text = proxy.rules.answer(call, text);
          const send = () => {
            if (res.destroyed) return;
            res.writeHead(answer.statusCode ?? 500, { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) });
            res.end(text);
          };
          const delay = proxy.rules.delayMs?.(call) ?? 0;
          if (delay > 0) setTimeout(send, delay);
          else send();
        });
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (proxy as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
