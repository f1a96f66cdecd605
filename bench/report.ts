/** The results file and the generated part of BENCHMARKS.md. */
import type { SubscriptionsResult } from './subscriptions';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LayersResult } from './layers';
import type { MemoryResult } from './memory';
import type { ProfileSummary, ProfilesResult } from './profile';
import type { ReadRow } from './reads';
import type { StartsResult } from './starts';
import type { HeadToHeadResult } from './headToHead';
import type { StartupResult } from './startup';
import type { QuotaResult } from './quota';
import type { ViewersResult } from './viewers';

export interface MachineFacts {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average at the start and the end: well above 0 means other work shared the CPUs. */
  loadAverage: { start: number; end: number };
  /** Kept in the raw results file only: the page itself names no commit (git holds history). */
  commit: string;
  versions: Record<string, string>;
}

export interface BenchResults {
  label: string;
  machine: MachineFacts;
  starts?: StartsResult;
  headToHead?: HeadToHeadResult;
  reads?: ReadRow[];
  startup?: StartupResult;
  memory?: MemoryResult;
  profiles?: ProfilesResult;
  layers?: LayersResult;
  viewers?: ViewersResult;
  quota?: QuotaResult;
  subscriptions?: SubscriptionsResult;
}

export const BEGIN = '<!-- bench:generated:begin (npm run bench rewrites everything up to the end marker) -->';
export const END = '<!-- bench:generated:end -->';

const ms = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const x = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');
const mark = (ok: boolean): string => (ok ? 'met' : '**not met**');

export const TARGETS = { requestsPerS: 1.0, median1: 1.0, p99: 1.1, startupMs: 500, rssMb: 120 } as const;

function startsSection(s: StartsResult): string[] {
  const g = s.summary.gateway;
  const b = s.summary.baseline;
  const f = s.summary.floor;
  const c = s.options.connections;
  const lines = [
    `### Starts (\`startCampaign\` vs \`POST {id}\` on the bare proxy)`,
    '',
    `${s.options.rounds} rounds; in each, every target runs ${s.options.durationS} s at ${c} connections, then ${s.options.latencyDurationS} s at 1 connection, ` +
      `in an order that rotates per round. Every request is a successful StartCampaign of a different campaign. ` +
      `Figures are medians over rounds; ratios are gateway ÷ baseline within each round, then the median.`,
    '',
    `| | gateway | baseline | gateway ÷ baseline | target | | floor (SDK loop) |`,
    `|---|---:|---:|---:|---:|---|---:|`,
    `| requests/s at ${c} connections | ${g.requestsPerS.toFixed(0)} | ${b.requestsPerS.toFixed(0)} | ${x(s.ratios.requestsPerS)} | ≥ ${TARGETS.requestsPerS.toFixed(1)} | ${mark(s.ratios.requestsPerS >= TARGETS.requestsPerS)} | ${f.requestsPerS.toFixed(0)} |`,
    `| p50 latency at ${c} connections (ms) | ${ms(g.p50Ms)} | ${ms(b.p50Ms)} | ${x(s.ratios.p50)} | | | ${ms(f.p50Ms)} |`,
    `| p99 latency at ${c} connections (ms) | ${ms(g.p99Ms)} | ${ms(b.p99Ms)} | ${x(s.ratios.p99)} | ≤ ${TARGETS.p99.toFixed(1)} | ${mark(s.ratios.p99 <= TARGETS.p99)} | ${ms(f.p99Ms)} |`,
    `| CPU per start (µs; user+system of the process, /proc) | ${g.cpuUsPerStart?.toFixed(0) ?? 'n/a'} | ${b.cpuUsPerStart?.toFixed(0) ?? 'n/a'} | ${x(s.ratios.cpuPerStart)} | | | ${f.cpuUsPerStart?.toFixed(0) ?? 'n/a'} |`,
    `| median latency at 1 connection (ms) | ${ms(g.median1Ms, 3)} | ${ms(b.median1Ms, 3)} | ${x(s.ratios.median1)} | ≤ ${TARGETS.median1.toFixed(1)} | ${mark(s.ratios.median1 <= TARGETS.median1)} | ${ms(f.median1Ms, 3)} |`,
    '',
    ...(s.apolloRatios
      ? [
          `Three ways, paired within each round (medians over rounds): the plain Apollo peer (\`bench/plainApollo.ts\`: \`startStandaloneServer\`, the same union, a default SDK client, nothing else) serves ` +
            `${x(s.apolloRatios.apolloVsBaseline.requestsPerS)} the baseline's starts/s (p99 ${x(s.apolloRatios.apolloVsBaseline.p99)}, median at 1 connection ${x(s.apolloRatios.apolloVsBaseline.median1)}, CPU/start ${x(s.apolloRatios.apolloVsBaseline.cpuPerStart)}); ` +
            `the gateway serves ${x(s.apolloRatios.gatewayVsApollo.requestsPerS)} the plain Apollo peer's (p99 ${x(s.apolloRatios.gatewayVsApollo.p99)}, median at 1 connection ${x(s.apolloRatios.gatewayVsApollo.median1)}, CPU/start ${x(s.apolloRatios.gatewayVsApollo.cpuPerStart)}).`,
          '',
          `| | gateway | bare proxy (baseline) | plain Apollo |`,
          `|---|---:|---:|---:|`,
          `| requests/s at ${c} connections | ${g.requestsPerS.toFixed(0)} | ${b.requestsPerS.toFixed(0)} | ${s.summary.apollo.requestsPerS.toFixed(0)} |`,
          `| p99 at ${c} connections (ms) | ${ms(g.p99Ms)} | ${ms(b.p99Ms)} | ${ms(s.summary.apollo.p99Ms)} |`,
          `| median at 1 connection (ms) | ${ms(g.median1Ms, 3)} | ${ms(b.median1Ms, 3)} | ${ms(s.summary.apollo.median1Ms, 3)} |`,
          `| CPU per start (µs) | ${g.cpuUsPerStart?.toFixed(0) ?? 'n/a'} | ${b.cpuUsPerStart?.toFixed(0) ?? 'n/a'} | ${s.summary.apollo.cpuUsPerStart?.toFixed(0) ?? 'n/a'} |`,
          '',
        ]
      : []),
    'Per round (gateway ÷ baseline): ' +
      s.ratios.perRound
        .map((r, i) => `round ${i + 1}: throughput ${x(r.requestsPerS)}, CPU/start ${x(r.cpuPerStart)}, p99 ${x(r.p99)}, median@1 ${x(r.median1)}`)
        .join('; ') +
      '.',
  ];
  const notStarted = s.rounds.reduce((sum, r) => sum + Object.values(r.c16).reduce((a, v) => a + v.failed, 0) + Object.values(r.c1).reduce((a, v) => a + v.failed, 0), 0);
  if (notStarted > 0) lines.push('', `⚠ ${notStarted} requests did not end in a successful start (pool exhausted or errors): see the results file.`);
  return lines;
}

function readsSection(rows: ReadRow[]): string[] {
  return [
    '### Reads (`state` of N campaigns in one operation, sequential requests, `READ_CACHE_MAX_AGE_MS=0`)',
    '',
    '| form | N | AWS calls per operation (expected ⌈N/25⌉) | median (ms) | p99 (ms) | median ÷ N=1 |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.form === 'entities' ? '`_entities` (router)' : '`campaign(id:)` aliases'} | ${r.n} | ${r.awsCallsPerOperation.toFixed(2)} (${r.expectedCalls}) | ${ms(r.latency.p50Ms, 3)} | ${ms(r.latency.p99Ms, 3)} | ${x(r.vsN1)} |`,
    ),
  ];
}

/** Done when: 50 viewers polling every 500 ms for 5 s cost at most this many AWS calls. */
export const VIEWERS_TARGET = { viewers: 50, calls: 100, durationS: 5 } as const;

function viewersSection(v: ViewersResult): string[] {
  const pair = (viewers: number) => ({
    on: v.rows.find((r) => r.viewers === viewers && r.sharing === 'on'),
    off: v.rows.find((r) => r.viewers === viewers && r.sharing === 'off'),
  });
  const counts = [...new Set(v.rows.map((r) => r.viewers))];
  const per5s = (r: ViewersResult['rows'][number] | undefined) => (r ? (r.awsCallsPerS * VIEWERS_TARGET.durationS).toFixed(0) : 'n/a');
  const at50 = pair(VIEWERS_TARGET.viewers).on;
  const lines = [
    `### Viewers (V people polling \`campaigns(first: 50) { edges { node { id name state } } }\` every ${v.intervalMs} ms, ${v.durationS} s per run)`,
    '',
    `Sharing on: \`READ_CACHE_MAX_AGE_MS\` at its default; off: \`READ_CACHE_MAX_AGE_MS=0\`. AWS calls as the emulator counted them; ` +
      'each viewer polls at its own phase of the interval. The two gateways run side by side and take turns.',
    '',
    '| V | AWS calls/s, sharing on | off | AWS calls per 5 s, on | off | polls answered, on | off | p50 ms, on | off | p99 ms, on | off |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...counts.map((n) => {
      const { on, off } = pair(n);
      const f = (r: typeof on, get: (r: NonNullable<typeof on>) => string) => (r ? get(r) : 'n/a');
      return (
        `| ${n} | ${f(on, (r) => r.awsCallsPerS.toFixed(1))} | ${f(off, (r) => r.awsCallsPerS.toFixed(1))} | ${per5s(on)} | ${per5s(off)} | ` +
        `${f(on, (r) => `${r.polls}${r.failed ? ` (${r.failed} failed)` : ''}`)} | ${f(off, (r) => `${r.polls}${r.failed ? ` (${r.failed} failed)` : ''}`)} | ` +
        `${f(on, (r) => ms(r.latency.p50Ms, 1))} | ${f(off, (r) => ms(r.latency.p50Ms, 1))} | ${f(on, (r) => ms(r.latency.p99Ms, 1))} | ${f(off, (r) => ms(r.latency.p99Ms, 1))} |`
      );
    }),
  ];
  if (at50) {
    const calls = at50.awsCallsPerS * VIEWERS_TARGET.durationS;
    lines.push('', `${VIEWERS_TARGET.viewers} viewers, sharing on: ${calls.toFixed(0)} AWS calls per ${VIEWERS_TARGET.durationS} s (target ≤ ${VIEWERS_TARGET.calls}: ${mark(calls <= VIEWERS_TARGET.calls)}).`);
  }
  return lines;
}

function startupSection(s: StartupResult): string[] {
  return [
    '### Start-up and memory',
    '',
    '| | median | runs (ms) | target | |',
    '|---|---:|---|---:|---|',
    `| gateway: spawn → \`/readyz\` 200 (ms) | ${s.gatewayMedianMs.toFixed(0)} | ${s.gatewayMs.map((v) => v.toFixed(0)).join(', ')} | < ${TARGETS.startupMs} | ${mark(s.gatewayMedianMs < TARGETS.startupMs)} |`,
    `| baseline: spawn → first answer (ms) | ${s.baselineMedianMs.toFixed(0)} | ${s.baselineMs.map((v) => v.toFixed(0)).join(', ')} | | |`,
    `| bare \`node -e\` http server (ms) | ${s.bareNodeMedianMs.toFixed(0)} | ${s.bareNodeMs.map((v) => v.toFixed(0)).join(', ')} | | |`,
  ];
}

function memorySection(m: MemoryResult, withHeader: boolean): string[] {
  return [
    ...(withHeader ? ['### Memory', ''] : ['']),
    `| RSS of a fresh gateway (MB) | ready | after 5k starts | after 50k starts | V8 heap used after 50k | baseline after 50k |`,
    '|---|---:|---:|---:|---:|---:|',
    `| at ${m.connections} connections | ${m.readyMb.toFixed(1)} | ${m.after5kMb.toFixed(1)} | ${m.after50kMb.toFixed(1)} (${mark(m.after50kMb < TARGETS.rssMb)}: < ${TARGETS.rssMb}) | ${m.heapUsedAfter50kMb === null ? 'n/a' : m.heapUsedAfter50kMb.toFixed(1)} | ${m.baselineAfter50kMb.toFixed(1)} |`,
  ];
}

function headToHeadSection(h: HeadToHeadResult): string[] {
  const x = (v: number): string => `${v.toFixed(2)}×`;
  // A sign test: who is ahead, round by round.
  const gatewayCheaperRounds = h.ratios.perRound.filter((p) => p.cpuPerStart < 1).length;
  return [
    `### Head to head with the plain Apollo peer (both loaded at once, ${h.connections} connections each, ${h.durationS} s a round)`,
    '',
    `Gateway ÷ plain Apollo, median of ${h.rounds.length} rounds: starts/s ${x(h.ratios.startsPerS)}, CPU per start ${x(h.ratios.cpuPerStart)}; ` +
      `the gateway took less CPU per start in ${gatewayCheaperRounds} of ${h.rounds.length} rounds. ` +
      `Per round: starts/s ${h.ratios.perRound.map((p) => x(p.startsPerS)).join(', ')}; CPU per start ${h.ratios.perRound.map((p) => x(p.cpuPerStart)).join(', ')}.`,
  ];
}

function profileSection(p: ProfilesResult): string[] {
  const categories = Object.keys(p.gateway.perStartUs).filter((c) => (p.gateway.perStartUs[c] ?? 0) + (p.baseline.perStartUs[c] ?? 0) + (p.apollo?.perStartUs[c] ?? 0) >= 0.5);
  const apollo = (value: (s: ProfileSummary) => string): string => (p.apollo ? ` ${value(p.apollo)} |` : '');
  return [
    `### CPU per start (\`node --cpu-prof\`, ${p.durationS} s at ${p.connections} connections, self time by owner)`,
    '',
    'Each owner\'s share of the profile samples times the CPU time per start measured from /proc while profiling ' +
      '(profiler overhead included); native code (JSON, hashing, the HTTP parser, socket writes) counts for its JS caller.',
    '',
    `| where | gateway (µs/start) | baseline (µs/start) |${p.apollo ? ' plain Apollo (µs/start) |' : ''}`,
    `|---|---:|---:|${p.apollo ? '---:|' : ''}`,
    ...categories.map((c) => `| ${c} | ${(p.gateway.perStartUs[c] ?? 0).toFixed(0)} | ${(p.baseline.perStartUs[c] ?? 0).toFixed(0)} |${apollo((s) => (s.perStartUs[c] ?? 0).toFixed(0))}`),
    `| **total CPU per start** | **${p.gateway.totalPerStartUs.toFixed(0)}** | **${p.baseline.totalPerStartUs.toFixed(0)}** |${apollo((s) => `**${s.totalPerStartUs.toFixed(0)}**`)}`,
    '',
    'Top self-time functions in the gateway:',
    '',
    '| function | where | owner | share |',
    '|---|---|---|---:|',
    ...p.gateway.topFunctions.slice(0, 12).map((f) => `| \`${f.functionName}\` | ${f.where} | ${f.category} | ${f.sharePct.toFixed(1)}% |`),
  ];
}

function layersSection(l: LayersResult): string[] {
  const us = (v: number): string => v.toFixed(1);
  return [
    '### One start, layer by layer (one process, no network, requests one at a time)',
    '',
    `CPU time per request (process.cpuUsage), median of ${l.runs} alternating runs of ${l.requestsPerRun} requests each. ` +
      'Under load the same work costs more (the profile above): caches and the young generation are shared by 16 requests in flight.',
    '',
    '| layer | µs per start |',
    '|---|---:|',
    `| Apollo Server + graphql-js for the start mutation (the gateway's schema, plugins, limits and resolver; a campaign service that answers at once) | ${us(l.apolloPipelineUs)} |`,
    `| one StartCampaign through the SDK, default client (what the baseline uses), canned HTTP answer | ${us(l.sdkDefaultClientUs)} |`,
    `| the same through the gateway's client (handler cache, no-op steps removed, attempt tracking, breaker, metrics, deadline) | ${us(l.sdkGatewayClientUs)} |`,
  ];
}

/** The governor's target: at most this much CPU per call in-process; with Redis, one round trip. */
export const GOVERNOR_TARGET_US = 10;

function quotaSection(q: QuotaResult): string[] {
  const c = q.cost;
  const lines = [
    '### The AWS call governor',
    '',
    '| cost per AWS call | µs |',
    '|---|---:|',
    `| CPU, in-process bucket (target ≤ ${GOVERNOR_TARGET_US}: ${mark(c.inProcessCpuUs <= GOVERNOR_TARGET_US)}) | ${c.inProcessCpuUs.toFixed(2)} |`,
    `| CPU, fleet bucket in Redis (this process's side) | ${c.redisCpuUs.toFixed(1)} |`,
    `| wall time, fleet bucket in Redis: one EVALSHA round trip | ${c.redisRoundTripUs.toFixed(0)} |`,
    `| a bare PING on the same connection, for comparison | ${c.pingUs.toFixed(0)} |`,
    '',
    `Dashboards polling the 50-campaign page once a second for ${q.durationS} s, spread over the replicas; the emulator throttles the account at 2 calls/s, burst 5; the gateways run at their defaults (2/s, burst 5, \`AWS_CALLS_REPLICAS\` = replicas).`,
    '',
    '| replicas | Redis | viewers | AWS calls/s | throttled | polls answered | state age, mean (s) | state age, p95 (s) | poll p50 (ms) | poll p99 (ms) |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of q.rows) {
    lines.push(
      `| ${r.replicas} | ${r.redis ? 'yes' : 'no'} | ${r.viewers} | ${r.awsCallsPerS.toFixed(2)} | ${r.throttled} | ${r.polls}/${r.polls + r.failed} | ` +
        `${(r.stateAgeMs.mean / 1000).toFixed(1)} | ${(r.stateAgeMs.p95 / 1000).toFixed(1)} | ${r.latency.p50Ms.toFixed(0)} | ${r.latency.p99Ms.toFixed(0)} |`,
    );
  }
  return lines;
}

export function renderGenerated(r: BenchResults, resultsFile: string): string {
  const m = r.machine;
  const lines: string[] = [
    BEGIN,
    '',
    `## Latest run: ${r.label}`,
    '',
    `${m.date} · ${m.cpuModel} · ${m.cores} cores · ${m.memoryGb.toFixed(0)} GB · Node ${m.node} · ${m.platform} · ` +
      `load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end · ` +
      Object.entries(m.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') +
      ` · raw figures: \`${resultsFile}\``,
    '',
  ];
  if (r.starts) lines.push(...startsSection(r.starts), '');
  if (r.headToHead) lines.push(...headToHeadSection(r.headToHead), '');
  if (r.reads) lines.push(...readsSection(r.reads), '');
  if (r.viewers) lines.push(...viewersSection(r.viewers), '');
  if (r.startup) lines.push(...startupSection(r.startup));
  if (r.memory) lines.push(...memorySection(r.memory, !r.startup));
  if (r.startup || r.memory) lines.push('');
  if (r.profiles) lines.push(...profileSection(r.profiles), '');
  if (r.layers) lines.push(...layersSection(r.layers), '');
  if (r.quota) lines.push(...quotaSection(r.quota), '');
  lines.push(END);
  return lines.join('\n');
}

/** Replaces the generated part of BENCHMARKS.md (or appends it), leaving the hand-written notes alone. */
export function updateBenchmarksMd(path: string, generated: string): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\n';
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    begin !== -1 && end > begin ? current.slice(0, begin) + generated + current.slice(end + END.length) : `${current.trimEnd()}\n\n${generated}\n`;
  writeFileSync(path, next);
}
