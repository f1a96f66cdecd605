import { Writable } from 'node:stream';
import { createEmulator, type Emulator } from '../../src/emulator';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { createMetrics, type Metrics } from '../../src/observability/metrics';
import { createCampaignsClient } from '../../src/aws/campaignsClient';
import { createGateway, type Gateway } from '../../src/gateway';

export interface GraphqlResponse<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: TData | null; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }> };
}

export interface Harness {
  url: string;
  emulator: Emulator;
  gateway: Gateway;
  metrics: Metrics;
  /** Every JSON log line the gateway wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  graphql<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphqlResponse<TData>>;
  /** GET /metrics, as Prometheus scrapes it. */
  scrapeMetrics(): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Environment the gateway's config is read from (the process's own is never used). */
  env?: Record<string, string>;
  /** SDK attempts per call; 1 keeps fault tests fast and their call counts exact. */
  maxAttempts?: number;
}

/** The gateway and the emulator, both real HTTP servers on loopback, joined by the real AWS SDK. */
export async function startHarness({ env = {}, maxAttempts }: HarnessOptions = {}): Promise<Harness> {
  const config: Config = loadConfig({ LOG_LEVEL: 'info', ...env });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const emulator = createEmulator({ seed: true });
  const endpoint = await emulator.start(0, '127.0.0.1');
  const metrics = createMetrics();
  const client = createCampaignsClient({
    requestTimeoutMs: config.upstream.requestTimeoutMs,
    connectTimeoutMs: config.upstream.connectTimeoutMs,
    emulatorEndpoint: endpoint,
    metrics,
    maxAttempts,
  });
  const gateway = await createGateway({ config, logger, metrics, client });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    url,
    emulator,
    gateway,
    metrics,
    logs,
    async graphql<TData>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as GraphqlResponse<TData>['body'] };
    },
    async scrapeMetrics() {
      const res = await fetch(url.replace(/\/graphql$/, '/metrics'));
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      return res.text();
    },
    async close() {
      await gateway.stop();
      client.destroy();
      await emulator.stop();
    },
  };
}
