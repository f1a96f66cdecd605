/**
 * Viewers: V people with the same dashboard open, each polling the same 50-campaign page every
 * 500 ms, against a gateway with reads shared (READ_CACHE_MAX_AGE_MS at its default) and one
 * without (READ_CACHE_MAX_AGE_MS=0). The emulator's call log says how many AWS calls they cost.
 */
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { DIST, freePort, gatewayEnv, startServer, type EmulatorProcess, type StartedServer } from './processes';
import { summarise, type LatencySummary } from './stats';

// 50: the viewer count the sharing target (at most 100 AWS calls in 5 s) is stated for.
export const VIEWER_COUNTS = [1, 10, 50, 100, 500] as const;
export const VIEWER_QUERY = '{ campaigns(first: 50) { edges { node { id name state } } } }';
export const VIEWER_POOL = 'bench-view';

export type Sharing = 'on' | 'off';

export interface ViewerRow {
  viewers: number;
  sharing: Sharing;
  durationS: number;
  intervalMs: number;
  /** Page loads answered (200, no errors). */
  polls: number;
  /** Page loads that failed (HTTP or GraphQL errors). */
  failed: number;
  /** AWS calls the emulator saw during the run, by operation, and in all. */
  awsCalls: Record<string, number>;
  awsCallsTotal: number;
  awsCallsPerS: number;
  latency: LatencySummary;
}

export interface ViewersResult {
  intervalMs: number;
  durationS: number;
  readCacheMaxAgeMs: string;
  rows: ViewerRow[];
}

const BODY = JSON.stringify({ query: VIEWER_QUERY });

/**
 * One poll of the 50-campaign page (`body`: the request's JSON): whether it came back whole (200,
 * no errors, 50 rows), its rows, and when its answer was in (ms since the epoch).
 */
export function pollPage<Node>(url: string, agent: Agent, body: string): Promise<{ ok: boolean; nodes: Node[]; answeredAt: number }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.once('end', () => {
        const answeredAt = Date.now();
        if (res.statusCode !== 200) return resolve({ ok: false, nodes: [], answeredAt });
        const parsed = JSON.parse(text) as { data?: { campaigns?: { edges?: Array<{ node: Node }> } }; errors?: unknown[] };
        const nodes = (parsed.data?.campaigns?.edges ?? []).map((edge) => edge.node);
        resolve({ ok: !parsed.errors?.length && nodes.length === 50, nodes, answeredAt });
      });
    });
    req.once('error', () => resolve({ ok: false, nodes: [], answeredAt: Date.now() }));
    req.end(body);
  });
}

async function callCounts(emulatorUrl: string): Promise<Record<string, number>> {
  const body = (await (await fetch(`${emulatorUrl}/__emulator/calls`)).json()) as { counts: Record<string, number> };
  return body.counts;
}

/**
 * V viewers for `durationS`: each polls at its own phase in the interval (people do not open the
 * page in the same millisecond), and polls again at its next tick once the answer is in.
 */
async function run(url: string, emulator: EmulatorProcess, viewers: number, durationS: number, intervalMs: number): Promise<Omit<ViewerRow, 'sharing'>> {
  const agent = new Agent({ keepAlive: true, maxSockets: viewers });
  await emulator.settle();
  const before = await callCounts(emulator.url);
  const latencies: number[] = [];
  let failed = 0;
  const t0 = Date.now();
  const end = t0 + durationS * 1000;
  const viewer = async (phase: number): Promise<void> => {
    for (let tick = t0 + phase; tick < end; tick += intervalMs) {
      const wait = tick - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (-wait > intervalMs) continue; // behind by a whole interval: skip that poll, as a browser timer would not pile them up
      const start = process.hrtime.bigint();
      const { ok } = await pollPage(url, agent, BODY);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!ok) failed++;
    }
  };
  await Promise.all(Array.from({ length: viewers }, (_, i) => viewer((i * intervalMs) / viewers)));
  await emulator.settle();
  agent.destroy();
  const after = await callCounts(emulator.url);
  const awsCalls: Record<string, number> = {};
  let total = 0;
  for (const [op, n] of Object.entries(after)) {
    const d = n - (before[op] ?? 0);
    if (d > 0) awsCalls[op] = d;
    total += d;
  }
  return {
    viewers,
    durationS,
    intervalMs,
    polls: latencies.length - failed,
    failed,
    awsCalls,
    awsCallsTotal: total,
    awsCallsPerS: total / durationS,
    latency: summarise(latencies),
  };
}

/** A gateway of its own, as `gatewayEnv` configures it plus `extra`. */
export async function startGateway(emulator: EmulatorProcess, extra: Record<string, string>): Promise<StartedServer & { url: string }> {
  const port = await freePort();
  const server = await startServer(join(DIST, 'src', 'main.js'), { ...gatewayEnv(emulator.url, port), ...extra }, `http://127.0.0.1:${port}/readyz`, (s) => s === 200);
  return { ...server, url: `http://127.0.0.1:${port}/graphql` };
}

export async function measureViewers(
  emulator: EmulatorProcess,
  options: { durationS: number; intervalMs: number; counts?: readonly number[] },
  log: (line: string) => void,
): Promise<ViewersResult> {
  // At least 50 campaigns to list (the start pool may be there too; any 50 will do).
  await emulator.pool(VIEWER_POOL, 50, 'Running');
  const gateways: Record<Sharing, StartedServer & { url: string }> = {
    on: await startGateway(emulator, {}),
    off: await startGateway(emulator, { READ_CACHE_MAX_AGE_MS: '0' }),
  };
  const rows: ViewerRow[] = [];
  try {
    // Warm both (JIT, Apollo's document cache).
    for (const sharing of ['on', 'off'] as const) await run(gateways[sharing].url, emulator, 4, 1, options.intervalMs);
    let i = 0;
    for (const viewers of options.counts ?? VIEWER_COUNTS) {
      // Alternate which goes first, so that neither always runs on the warmer (or busier) machine.
      const order: Sharing[] = i++ % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const sharing of order) {
        const row = { sharing, ...(await run(gateways[sharing].url, emulator, viewers, options.durationS, options.intervalMs)) };
        rows.push(row);
        log(
          `viewers V=${viewers} sharing ${sharing}: ${row.awsCallsTotal} AWS calls in ${row.durationS} s (${row.awsCallsPerS.toFixed(1)}/s; ` +
            `${Object.entries(row.awsCalls).map(([op, n]) => `${n} ${op}`).join(', ')}), ${row.polls} polls, ${row.failed} failed, ` +
            `p50 ${row.latency.p50Ms.toFixed(1)} ms, p99 ${row.latency.p99Ms.toFixed(1)} ms`,
        );
      }
    }
  } finally {
    await gateways.on.stop();
    await gateways.off.stop();
  }
  return { intervalMs: options.intervalMs, durationS: options.durationS, readCacheMaxAgeMs: 'default (1000)', rows };
}
