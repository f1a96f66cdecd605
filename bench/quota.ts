/**
 * The AWS call governor: what it costs per call (CPU in-process; CPU and the round trip with
 * Redis), and what the fleet spends of the account's rate as viewers and replicas grow, with and
 * without Redis, against the emulator throttling the account at AWS's default (2 calls/s, burst 5).
 */
import { Agent } from 'node:http';
import { Deadline } from '../src/aws/deadline';
import { createGovernor } from '../src/aws/governor';
import { createRedisLink } from '../src/aws/redis';
import { startRedis, type EmulatorProcess, type StartedServer } from './processes';
import { summarise, type LatencySummary } from './stats';
import { VIEWER_POOL, pollPage, startGateway } from './viewers';

export const QUOTA_VIEWERS = [1, 10, 100, 500] as const;
const ACCOUNT = { callsPerSecond: 2, burst: 5 };
const QUERY = JSON.stringify({ query: '{ campaigns(first: 50) { edges { node { id name state stateAsOf } } } }' });

export interface GovernorCost {
  /** CPU per granted token, in-process (µs). */
  inProcessCpuUs: number;
  /** CPU per granted token through Redis (µs), the script's work in Redis not included. */
  redisCpuUs: number;
  /** Wall time per token through Redis (µs): one round trip. */
  redisRoundTripUs: number;
  /** A bare PING on the same connection, for comparison (µs). */
  pingUs: number;
}

export interface FleetRow {
  replicas: number;
  redis: boolean;
  viewers: number;
  durationS: number;
  awsCallsPerS: number;
  throttled: number;
  polls: number;
  failed: number;
  /** Age of the states answered (now minus `stateAsOf`), over every campaign of every answer (ms). */
  stateAgeMs: { mean: number; p95: number };
  latency: LatencySummary;
}

export interface QuotaResult {
  cost: GovernorCost;
  durationS: number;
  rows: FleetRow[];
}

function cpuUs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

const SILENT = { info: () => undefined, warn: () => undefined };

/** CPU per token in-process, and CPU and wall time per token through a real redis-server. */
export async function measureGovernorCost(): Promise<GovernorCost> {
  const deadline = Deadline.in(3_600_000);
  const token = { priority: 'read', wait: 'deadline' } as const;
  const local = createGovernor({ quota: { callsPerSecond: 1e9, burst: 1e9, reserve: 3 } });
  for (let i = 0; i < 50_000; i++) local.take(token, 'ListCampaigns', deadline);
  const N = 500_000;
  let start = process.cpuUsage();
  for (let i = 0; i < N; i++) local.take(token, 'ListCampaigns', deadline);
  const inProcessCpuUs = cpuUs(start) / N;
  local.close();

  const redis = await startRedis();
  const link = createRedisLink({ url: redis.url, keyPrefix: 'bench:', commandTimeoutMs: 1000, log: SILENT });
  try {
    for (let i = 0; i < 100 && !link.available; i++) await new Promise((r) => setTimeout(r, 50));
    const fleet = createGovernor({ quota: { callsPerSecond: 1e9, burst: 1e9, reserve: 3 }, redis: link });
    for (let i = 0; i < 500; i++) await fleet.take(token, 'ListCampaigns', deadline);
    const M = 5000;
    start = process.cpuUsage();
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < M; i++) await fleet.take(token, 'ListCampaigns', deadline);
    const redisRoundTripUs = Number(process.hrtime.bigint() - t0) / 1e3 / M;
    const redisCpuUs = cpuUs(start) / M;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < M; i++) await link.client.ping();
    const pingUs = Number(process.hrtime.bigint() - t0) / 1e3 / M;
    fleet.close();
    return { inProcessCpuUs, redisCpuUs, redisRoundTripUs, pingUs };
  } finally {
    deadline.dispose();
    await link.close();
    await redis.stop();
  }
}

async function emulatorTotals(url: string): Promise<{ calls: number; throttled: number }> {
  const calls = ((await (await fetch(`${url}/__emulator/calls`)).json()) as { total: number }).total;
  const throttled = ((await (await fetch(`${url}/__emulator/throttle`)).json()) as { total: number }).total;
  return { calls, throttled };
}

/** `viewers` dashboards spread over the replicas, each polling the 50-campaign page once a second. */
async function poll(urls: string[], emulator: EmulatorProcess, viewers: number, durationS: number): Promise<Omit<FleetRow, 'replicas' | 'redis'>> {
  const agent = new Agent({ keepAlive: true, maxSockets: viewers });
  const before = await emulatorTotals(emulator.url);
  const latencies: number[] = [];
  const ages: number[] = [];
  let failed = 0;
  const t0 = Date.now();
  const end = t0 + durationS * 1000;
  const viewer = async (i: number): Promise<void> => {
    const url = urls[i % urls.length] as string;
    for (let tick = t0 + (i * 1000) / viewers; tick < end; tick += 1000) {
      const wait = tick - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (-wait > 1000) continue;
      const start = process.hrtime.bigint();
      const answer = await pollPage<{ stateAsOf?: string | null }>(url, agent, QUERY);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!answer.ok) failed++;
      for (const { stateAsOf } of answer.nodes) if (stateAsOf) ages.push(answer.answeredAt - Date.parse(stateAsOf));
    }
  };
  await Promise.all(Array.from({ length: viewers }, (_, i) => viewer(i)));
  const seconds = (Date.now() - t0) / 1000;
  agent.destroy();
  const after = await emulatorTotals(emulator.url);
  const sortedAges = ages.sort((a, b) => a - b);
  return {
    viewers,
    durationS: seconds,
    awsCallsPerS: (after.calls - before.calls) / seconds,
    throttled: after.throttled - before.throttled,
    polls: latencies.length - failed,
    failed,
    stateAgeMs: {
      mean: ages.length ? ages.reduce((a, b) => a + b, 0) / ages.length : 0,
      p95: sortedAges[Math.floor(sortedAges.length * 0.95)] ?? 0,
    },
    latency: summarise(latencies),
  };
}

export async function measureQuota(
  emulator: EmulatorProcess,
  options: { durationS: number; viewers?: readonly number[] },
  log: (line: string) => void,
): Promise<QuotaResult> {
  const cost = await measureGovernorCost();
  log(
    `quota: governor ${cost.inProcessCpuUs.toFixed(2)} µs CPU/call in-process; with Redis ${cost.redisCpuUs.toFixed(1)} µs CPU and ` +
      `${cost.redisRoundTripUs.toFixed(0)} µs wall per call (PING ${cost.pingUs.toFixed(0)} µs)`,
  );
  await emulator.pool(VIEWER_POOL, 50, 'Running');
  const throttle = (body: object) => fetch(`${emulator.url}/__emulator/throttle`, { method: 'POST', body: JSON.stringify(body) });
  const rows: FleetRow[] = [];
  const redis = await startRedis();
  try {
    for (const setup of [
      { replicas: 1, redis: false },
      { replicas: 3, redis: false },
      { replicas: 3, redis: true },
    ]) {
      await throttle(ACCOUNT);
      const env = {
        AWS_CALLS_PER_SECOND: String(ACCOUNT.callsPerSecond),
        AWS_CALLS_BURST: String(ACCOUNT.burst),
        AWS_CALLS_REPLICAS: String(setup.replicas),
        ...(setup.redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `bench-${rows.length}:` } : {}),
      };
      const gateways: Array<StartedServer & { url: string }> = [];
      try {
        for (let i = 0; i < setup.replicas; i++) gateways.push(await startGateway(emulator, env));
        for (const viewers of options.viewers ?? QUOTA_VIEWERS) {
          const row = { ...setup, ...(await poll(gateways.map((g) => g.url), emulator, viewers, options.durationS)) };
          rows.push(row);
          log(
            `quota: ${setup.replicas} replica(s) ${setup.redis ? 'with' : 'without'} Redis, ${viewers} viewers: ${row.awsCallsPerS.toFixed(2)} AWS calls/s, ` +
              `${row.throttled} throttled, ${row.polls}/${row.polls + row.failed} polls answered, state age mean ${(row.stateAgeMs.mean / 1000).toFixed(1)} s`,
          );
        }
      } finally {
        await Promise.all(gateways.map((g) => g.stop()));
      }
    }
  } finally {
    await throttle({ off: true });
    await redis.stop();
  }
  return { cost, durationS: options.durationS, rows };
}
