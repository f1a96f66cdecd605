/**
 * Reads: the state of N campaigns in one GraphQL operation. Every `state` goes through the
 * per-request DataLoader, so N campaigns should cost ⌈N/25⌉ GetCampaignStateBatch calls; the
 * emulator's call log says how many were really made.
 */
import { Agent, request } from 'node:http';
import type { EmulatorProcess } from './processes';
import { poolId } from './protocol';
import { summarise, type LatencySummary } from './stats';

export const READ_POOL = 'bench-read';
export const READ_SIZES = [1, 25, 100, 500] as const;

/** Two ways a client asks for many campaigns: a router's entity fetch, or one alias per campaign. */
export type ReadForm = 'entities' | 'aliases';

export interface ReadRow {
  form: ReadForm;
  n: number;
  requests: number;
  /** GetCampaignStateBatch calls per operation, as the emulator counted them. */
  awsCallsPerOperation: number;
  expectedCalls: number;
  latency: LatencySummary;
  /** Median latency over that of N = 1 in the same form. */
  vsN1: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

function readBody(form: ReadForm, ids: string[]): string {
  if (form === 'entities') {
    return JSON.stringify({
      query: 'query States($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id state } } }',
      variables: { r: ids.map((id) => ({ __typename: 'Campaign', id })) },
    });
  }
  const fields = ids.map((id, i) => `c${i}: campaign(id: ${JSON.stringify(id)}) { id state }`).join(' ');
  return JSON.stringify({ query: `query States { ${fields} }` });
}

function statesIn(text: string, form: ReadForm): Array<string | null> {
  const parsed = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (parsed.errors?.length) throw new Error(`read failed: ${JSON.stringify(parsed.errors).slice(0, 300)}`);
  const data = parsed.data ?? {};
  const rows = (form === 'entities' ? (data['_entities'] as unknown[]) : Object.values(data)) as Array<{ state: string | null } | null>;
  return rows.map((row) => row?.state ?? null);
}

async function batchCalls(emulatorUrl: string): Promise<number> {
  const res = await fetch(`${emulatorUrl}/__emulator/calls`);
  const body = (await res.json()) as { counts: Record<string, number> };
  return body.counts['GetCampaignStateBatch'] ?? 0;
}

export async function measureReads(emulator: EmulatorProcess, gatewayUrl: string, forms: ReadForm[], log: (line: string) => void): Promise<ReadRow[]> {
  const largest = Math.max(...READ_SIZES);
  await emulator.pool(READ_POOL, largest, 'Running');
  const rows: ReadRow[] = [];
  for (const form of forms) {
    for (const n of READ_SIZES) {
      const ids = Array.from({ length: n }, (_, i) => poolId(READ_POOL, i));
      const body = readBody(form, ids);
      const first = await post(gatewayUrl, body);
      const states = statesIn(first.text, form);
      if (states.length !== n || states.some((s) => s !== 'RUNNING')) {
        throw new Error(`${form} N=${n}: expected ${n} RUNNING states, got ${JSON.stringify(states).slice(0, 200)}`);
      }
      // Warm the JIT and Apollo's document cache for this operation, then time each request.
      for (let i = 0; i < 10; i++) await post(gatewayUrl, body);
      const requests = Math.max(30, Math.round(3000 / n));
      const before = await batchCalls(emulator.url);
      const latencies: number[] = [];
      for (let i = 0; i < requests; i++) {
        const t0 = process.hrtime.bigint();
        const res = await post(gatewayUrl, body);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (res.status !== 200) throw new Error(`${form} N=${n}: HTTP ${res.status}`);
      }
      const calls = (await batchCalls(emulator.url)) - before;
      const latency = summarise(latencies);
      const n1 = rows.find((r) => r.form === form && r.n === 1);
      const row: ReadRow = {
        form,
        n,
        requests,
        awsCallsPerOperation: calls / requests,
        expectedCalls: Math.ceil(n / 25),
        latency,
        vsN1: n1 ? latency.p50Ms / n1.latency.p50Ms : 1,
      };
      rows.push(row);
      log(`reads ${form} N=${n}: ${row.awsCallsPerOperation} AWS calls/op (expected ${row.expectedCalls}), median ${latency.p50Ms.toFixed(3)} ms (${row.vsN1.toFixed(2)}x N=1)`);
    }
  }
  return rows;
}
