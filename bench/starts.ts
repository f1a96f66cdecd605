/**
 * Start throughput and latency: the gateway, the bare baseline proxy and the floor (an SDK loop),
 * measured alternately in the same run, round after round, with the same connections and duration.
 *
 * Every request starts a different campaign from a pool of Initialized ones, so each one is a real,
 * successful StartCampaign (200) for all three; the pool is put back to Initialized before each run
 * and the starts that succeeded are counted from the emulator's own state.
 */
import { join } from 'node:path';
import { runLoad, type LoadResult } from './load';
import { DIST, awsEnv, cpuTimeMs, forkHelper, freePort, gatewayEnv, startServer, type EmulatorProcess, type StartedServer } from './processes';
import { poolId } from './protocol';
import type { FloorResult, FloorRun } from './floor';
import type { LatencySummary } from './stats';
import { median } from './stats';

export const START_POOL = 'bench-start';

export const START_MUTATION =
  'mutation Start($id: ID!) { startCampaign(id: $id) { __typename ' +
  '... on StartCampaignSuccess { campaign { id } } ... on CampaignError { code message } } }';

export type TargetName = 'gateway' | 'baseline' | 'apollo' | 'floor';

export interface RunFigures {
  requestsPerS: number;
  latency: LatencySummary;
  /** Requests answered but not as a successful start (should be 0). */
  failed: number;
  /** Successful starts, as the emulator counts them. */
  started: number;
  /** CPU time (user + system, from /proc) the target process used per successful start; null off Linux. */
  cpuUsPerStart: number | null;
  /** The same for the emulator, which does the same work for every target. */
  emulatorCpuUsPerStart: number | null;
}

export interface Round {
  order: TargetName[];
  c16: Record<TargetName, RunFigures>;
  c1: Record<TargetName, RunFigures>;
}

export interface StartsOptions {
  rounds: number;
  connections: number;
  durationS: number;
  latencyDurationS: number;
  warmupS: number;
  poolSize: number;
  log(line: string): void;
}

export interface StartsResult {
  options: Omit<StartsOptions, 'log'>;
  rounds: Round[];
  /** Medians over rounds. */
  summary: Record<TargetName, { requestsPerS: number; p50Ms: number; p99Ms: number; median1Ms: number; cpuUsPerStart: number | null }>;
  /** gateway / baseline, per round, then the median over rounds. */
  ratios: {
    requestsPerS: number;
    p50: number;
    p99: number;
    median1: number;
    cpuPerStart: number;
    perRound: Array<Record<'requestsPerS' | 'cpuPerStart' | 'p50' | 'p99' | 'median1', number>>;
  };
  /** The plain Apollo peer (bench/plainApollo.ts) ÷ baseline, and gateway ÷ plain Apollo, paired the same way. */
  apolloRatios: Record<'apolloVsBaseline' | 'gatewayVsApollo', Record<'requestsPerS' | 'cpuPerStart' | 'p50' | 'p99' | 'median1', number>>;
}

export interface StartTargets {
  gateway: StartedServer & { url: string };
  baseline: StartedServer & { url: string };
}

export async function startTargets(emulator: EmulatorProcess, nodeArgs: { gateway?: string[]; baseline?: string[] } = {}): Promise<StartTargets> {
  const gatewayPort = await freePort();
  const gateway = await startServer(
    join(DIST, 'src', 'main.js'),
    gatewayEnv(emulator.url, gatewayPort),
    `http://127.0.0.1:${gatewayPort}/readyz`,
    (status) => status === 200,
    nodeArgs.gateway,
  );
  const baselinePort = await freePort();
  const baseline = await startServer(
    join(DIST, 'bench', 'baseline.js'),
    { ...awsEnv(emulator.url), PORT: String(baselinePort) },
    `http://127.0.0.1:${baselinePort}/`,
    () => true,
    nodeArgs.baseline,
  );
  return {
    gateway: { ...gateway, url: `http://127.0.0.1:${gatewayPort}/graphql` },
    baseline: { ...baseline, url: `http://127.0.0.1:${baselinePort}/` },
  };
}

/** The plain Apollo peer (bench/plainApollo.ts), answering the gateway's own start mutation. */
export async function startPlainApollo(emulator: EmulatorProcess, nodeArgs?: string[]): Promise<StartedServer & { url: string }> {
  const port = await freePort();
  const server = await startServer(
    join(DIST, 'bench', 'plainApollo.js'),
    { ...awsEnv(emulator.url), NODE_ENV: 'production', PORT: String(port) },
    `http://127.0.0.1:${port}/`,
    () => true,
    nodeArgs,
  );
  return { ...server, url: `http://127.0.0.1:${port}/` };
}

export function gatewayStartBody(id: string): string {
  return JSON.stringify({ query: START_MUTATION, variables: { id } });
}

export function baselineStartBody(id: string): string {
  return JSON.stringify({ id });
}

/**
 * Waits for requests still in flight to land, then puts the pool back to Initialized; answers how
 * many of it were started since the last reset.
 */
export async function rearm(emulator: EmulatorProcess, used: number): Promise<number> {
  await emulator.settle();
  const previous = await emulator.pool(START_POOL, used, 'Initialized');
  return previous.Running ?? 0;
}

interface RawRun {
  requestsPerS: number;
  latency: LatencySummary;
  sent: number;
  /** Answers that were not a successful start, as far as the load generator can tell. */
  failed: number;
  /** Answers received (HTTP targets), to compare with the starts the emulator saw. */
  responses?: number;
}

/**
 * Runs `load` against the pool, then counts the starts that happened (from the emulator's state),
 * re-arms the pool, and works out the CPU the target and the emulator used per start (from /proc).
 */
async function measured(emulator: EmulatorProcess, targetPid: number | undefined, poolSize: number, load: () => Promise<RawRun>): Promise<RunFigures> {
  const emulatorPid = emulator.process.pid as number;
  const t0 = targetPid === undefined ? undefined : cpuTimeMs(targetPid);
  const e0 = cpuTimeMs(emulatorPid);
  const result = await load();
  await emulator.settle();
  const t1 = targetPid === undefined ? undefined : cpuTimeMs(targetPid);
  const e1 = cpuTimeMs(emulatorPid);
  const started = await rearm(emulator, Math.min(result.sent, poolSize));
  const per = (a: number | undefined, b: number | undefined): number | null =>
    a === undefined || b === undefined || started === 0 ? null : ((b - a) * 1000) / started;
  return {
    requestsPerS: result.requestsPerS,
    latency: result.latency,
    // Requests still in flight when a run ends may start a campaign without their answer being counted.
    failed: result.failed + (result.responses === undefined ? 0 : Math.max(0, result.responses - started)),
    started,
    cpuUsPerStart: per(t0, t1),
    emulatorCpuUsPerStart: per(e0, e1),
  };
}

function httpRun(
  emulator: EmulatorProcess,
  target: StartedServer & { url: string },
  body: (id: string) => string,
  connections: number,
  durationS: number,
  poolSize: number,
): Promise<RunFigures> {
  return measured(emulator, target.process.pid, poolSize, async () => {
    const result: LoadResult = await runLoad({ url: target.url, connections, durationS, body: (i) => body(poolId(START_POOL, i % poolSize)) });
    return { requestsPerS: result.requestsPerS, latency: result.latency, sent: result.sent, failed: result.errors, responses: result.responses };
  });
}

function floorRun(emulator: EmulatorProcess, floor: Awaited<ReturnType<typeof forkHelper>>, connections: number, durationS: number, poolSize: number): Promise<RunFigures> {
  return measured(emulator, floor.process.pid, poolSize, async () => {
    const result = await new Promise<FloorResult>((resolve) => {
      floor.ipc.once('message', (m: FloorResult) => resolve(m));
      const run: FloorRun = { type: 'run', connections, durationS, prefix: START_POOL };
      floor.ipc.send(run);
    });
    return { requestsPerS: result.requestsPerS, latency: result.latency, sent: result.sent, failed: result.failed };
  });
}

function nullableMedian(values: Array<number | null>): number | null {
  return values.every((v): v is number => v !== null) ? median(values) : null;
}

export async function measureStarts(emulator: EmulatorProcess, targets: StartTargets, options: StartsOptions): Promise<StartsResult> {
  const { log, ...plain } = options;
  await emulator.pool(START_POOL, options.poolSize, 'Initialized');
  const floor = await forkHelper(join(DIST, 'bench', 'floor.js'), awsEnv(emulator.url));
  const apollo = await startPlainApollo(emulator);
  try {
    const run = (name: TargetName, connections: number, durationS: number): Promise<RunFigures> => {
      switch (name) {
        case 'gateway':
          return httpRun(emulator, targets.gateway, gatewayStartBody, connections, durationS, options.poolSize);
        case 'baseline':
          return httpRun(emulator, targets.baseline, baselineStartBody, connections, durationS, options.poolSize);
        case 'apollo':
          return httpRun(emulator, apollo, gatewayStartBody, connections, durationS, options.poolSize);
        case 'floor':
          return floorRun(emulator, floor, connections, durationS, options.poolSize);
      }
    };
    const names: TargetName[] = ['gateway', 'baseline', 'apollo', 'floor'];
    for (const name of names) {
      const warm = await run(name, options.connections, options.warmupS);
      log(`warm-up ${name}: ${warm.requestsPerS.toFixed(0)} req/s`);
    }
    const rounds: Round[] = [];
    for (let r = 0; r < options.rounds; r++) {
      // Rotate the order each round, so no target always runs first (or right after another).
      const order = names.map((_, i) => names[(i + r) % names.length] as TargetName);
      const c16 = {} as Record<TargetName, RunFigures>;
      const c1 = {} as Record<TargetName, RunFigures>;
      for (const name of order) {
        c16[name] = await run(name, options.connections, options.durationS);
        c1[name] = await run(name, 1, options.latencyDurationS);
        log(
          `round ${r + 1} ${name}: ${c16[name].requestsPerS.toFixed(0)} req/s (${c16[name].cpuUsPerStart?.toFixed(0)} µs CPU/start), p50 ${c16[name].latency.p50Ms.toFixed(2)} ms, ` +
            `p99 ${c16[name].latency.p99Ms.toFixed(2)} ms @${options.connections}; median ${c1[name].latency.p50Ms.toFixed(3)} ms @1` +
            (c16[name].failed + c1[name].failed > 0 ? `; ${c16[name].failed + c1[name].failed} not started` : ''),
        );
      }
      rounds.push({ order, c16, c1 });
    }
    const summary = {} as StartsResult['summary'];
    for (const name of names) {
      summary[name] = {
        requestsPerS: median(rounds.map((r) => r.c16[name].requestsPerS)),
        p50Ms: median(rounds.map((r) => r.c16[name].latency.p50Ms)),
        p99Ms: median(rounds.map((r) => r.c16[name].latency.p99Ms)),
        median1Ms: median(rounds.map((r) => r.c1[name].latency.p50Ms)),
        cpuUsPerStart: nullableMedian(rounds.map((r) => r.c16[name].cpuUsPerStart)),
      };
    }
    // Ratios are paired within a round (same machine conditions), then the median is taken.
    const pair = (r: Round, a: TargetName, b: TargetName) => ({
      requestsPerS: r.c16[a].requestsPerS / r.c16[b].requestsPerS,
      cpuPerStart: (r.c16[a].cpuUsPerStart ?? Number.NaN) / (r.c16[b].cpuUsPerStart ?? Number.NaN),
      p50: r.c16[a].latency.p50Ms / r.c16[b].latency.p50Ms,
      p99: r.c16[a].latency.p99Ms / r.c16[b].latency.p99Ms,
      median1: r.c1[a].latency.p50Ms / r.c1[b].latency.p50Ms,
    });
    const medians = (rows: Array<ReturnType<typeof pair>>) => ({
      requestsPerS: median(rows.map((r) => r.requestsPerS)),
      p50: median(rows.map((r) => r.p50)),
      p99: median(rows.map((r) => r.p99)),
      median1: median(rows.map((r) => r.median1)),
      cpuPerStart: median(rows.map((r) => r.cpuPerStart)),
    });
    const perRound = rounds.map((r) => pair(r, 'gateway', 'baseline'));
    return {
      options: plain,
      rounds,
      summary,
      ratios: {
        requestsPerS: median(perRound.map((r) => r.requestsPerS)),
        p50: median(perRound.map((r) => r.p50)),
        p99: median(perRound.map((r) => r.p99)),
        median1: median(perRound.map((r) => r.median1)),
        cpuPerStart: median(perRound.map((r) => r.cpuPerStart)),
        perRound,
      },
      apolloRatios: {
        apolloVsBaseline: medians(rounds.map((r) => pair(r, 'apollo', 'baseline'))),
        gatewayVsApollo: medians(rounds.map((r) => pair(r, 'gateway', 'apollo'))),
      },
    };
  } finally {
    await floor.stop();
    await apollo.stop();
  }
}
