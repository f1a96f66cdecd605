/**
 * Where one start's CPU time goes: the gateway and the baseline run under `node --cpu-prof` while
 * loaded; only samples taken during the measured load count (V8 profile timestamps and
 * process.hrtime share the monotonic clock). Self time is grouped by what the code belongs to;
 * native frames (JSON, crypto, the HTTP parser, ...) count for the JS code that called them.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './load';
import { cpuTimeMs, type EmulatorProcess } from './processes';
import { poolId } from './protocol';
import { START_POOL, baselineStartBody, gatewayStartBody, rearm, startPlainApollo, startTargets } from './starts';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export const CATEGORIES = [
  'Apollo Server',
  'graphql-js',
  'gateway code',
  'logging (pino)',
  'metrics (prom-client)',
  'SDK middleware & serde',
  'SDK signing (SigV4)',
  'SDK endpoint resolution',
  'SDK HTTP handler',
  'Node HTTP, net & streams',
  'Node promises & event loop',
  'GC',
  'V8/Node runtime & other',
] as const;
export type Category = (typeof CATEGORIES)[number];

const PACKAGE_CATEGORY: Array<[RegExp, Category]> = [
  // Apollo Server and the helpers it parses every request with.
  [/^(@apollo\/.*|negotiator|whatwg-mimetype|content-type|lru-cache|loglevel)$/, 'Apollo Server'],
  [/^(graphql|graphql-tag|@graphql-tools\/.*)$/, 'graphql-js'],
  [/^(dataloader)$/, 'gateway code'],
  [/^(pino|pino-std-serializers|sonic-boom|@pinojs\/redact|fast-redact|quick-format-unescaped|atomic-sleep|safe-stable-stringify|on-exit-leak-free|thread-stream)$/, 'logging (pino)'],
  [/^(prom-client|tdigest|bintrees)$/, 'metrics (prom-client)'],
  [/^@smithy\/signature-v4$/, 'SDK signing (SigV4)'],
  [/^(@smithy\/node-http-handler|undici)$/, 'SDK HTTP handler'],
  [/^(@aws-sdk\/|@smithy\/|@aws-crypto\/|@aws\/|tslib$|uuid$|fast-xml-parser$|strnum$|bowser$)/, 'SDK middleware & serde'],
];

/** A frame's own category, or undefined when it counts for its caller (native and generic Node code). */
export function categoryOf(url: string, functionName: string): Category | 'idle' | undefined {
  if (url === '') {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)' || functionName === '(root)') return 'V8/Node runtime & other';
    return undefined;
  }
  const modules = url.split('node_modules/');
  if (modules.length > 1) {
    const rest = modules[modules.length - 1] as string;
    const parts = rest.split('/');
    const pkg = (parts[0] as string).startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
    if (pkg === '@smithy/core' || pkg === '@aws-sdk/core') {
      const submodule = /submodules\/([^/]+)\//.exec(rest)?.[1];
      if (submodule === 'checksum' || submodule === 'httpAuthSchemes') return 'SDK signing (SigV4)';
      if (submodule === 'endpoints') return 'SDK endpoint resolution';
    }
    if (pkg.startsWith('@aws-sdk/client-') && /endpoint/i.test(rest)) return 'SDK endpoint resolution';
    for (const [pattern, category] of PACKAGE_CATEGORY) if (pattern.test(pkg)) return category;
    return 'V8/Node runtime & other';
  }
  if (/\/dist\/(src|bench)\//.test(url)) return 'gateway code';
  if (/^node:(_http_|http$|https$|net$|internal\/(http|streams|stream_base_commons|net|dns|timers)|stream$|events$|buffer$|timers$)/.test(url)) {
    return 'Node HTTP, net & streams';
  }
  if (/^node:internal\/(process\/task_queues|process\/promises|async_hooks|async_local_storage)/.test(url)) return 'Node promises & event loop';
  return undefined;
}

export interface ProfileSummary {
  /** Sampled time in the window (idle excluded), ms. */
  cpuMs: number;
  idleMs: number;
  starts: number;
  /**
   * CPU µs per start, by category: each category's share of the samples times the CPU time per
   * start measured from /proc (sampled time alone over-counts when other processes preempt this one).
   */
  perStartUs: Record<string, number>;
  totalPerStartUs: number;
  /** Where totalPerStartUs comes from. */
  cpuSource: 'proc' | 'samples';
  topFunctions: Array<{ functionName: string; where: string; category: string; sharePct: number }>;
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i !== -1) return url.slice(i + 'node_modules/'.length);
  const d = url.indexOf('/dist/');
  return d !== -1 ? url.slice(d + 1) : url;
}

export function summariseProfile(profile: CpuProfile, fromUs: number, toUs: number, starts: number, measuredCpuMs?: number): ProfileSummary {
  const byId = new Map<number, CpuProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const resolved = new Map<number, Category | 'idle'>();
  const resolve = (id: number): Category | 'idle' => {
    const known = resolved.get(id);
    if (known) return known;
    const node = byId.get(id) as CpuProfileNode;
    const own = categoryOf(node.callFrame.url, node.callFrame.functionName);
    const up = parent.get(id);
    const category = own ?? (up === undefined ? 'V8/Node runtime & other' : resolve(up));
    resolved.set(id, category);
    return category;
  };
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one.
    const span = profile.timeDeltas[i + 1] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + span);
  }
  const byCategory = new Map<string, number>();
  let cpuUs = 0;
  let idleUs = 0;
  const byFunction = new Map<string, { functionName: string; where: string; category: string; us: number }>();
  for (const [id, us] of selfUs) {
    const category = resolve(id);
    if (category === 'idle') {
      idleUs += us;
      continue;
    }
    cpuUs += us;
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
    const { functionName, url, lineNumber } = (byId.get(id) as CpuProfileNode).callFrame;
    const key = `${functionName}@${url}:${lineNumber}`;
    const entry = byFunction.get(key) ?? { functionName: functionName || '(anonymous)', where: url ? `${shortUrl(url)}:${lineNumber + 1}` : '(native)', category, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const totalPerStartUs = (measuredCpuMs !== undefined ? measuredCpuMs * 1000 : cpuUs) / Math.max(1, starts);
  const perStartUs: Record<string, number> = {};
  for (const category of CATEGORIES) perStartUs[category] = ((byCategory.get(category) ?? 0) / Math.max(1, cpuUs)) * totalPerStartUs;
  return {
    cpuMs: cpuUs / 1000,
    idleMs: idleUs / 1000,
    starts,
    perStartUs,
    totalPerStartUs,
    cpuSource: measuredCpuMs !== undefined ? 'proc' : 'samples',
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, 15)
      .map(({ us, ...rest }) => ({ ...rest, sharePct: (100 * us) / cpuUs })),
  };
}

export interface ProfilesResult {
  connections: number;
  durationS: number;
  gateway: ProfileSummary;
  baseline: ProfileSummary;
  /** The plain Apollo peer, profiled the same way (absent from results recorded before it was). */
  apollo?: ProfileSummary;
}

function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export async function measureProfiles(
  emulator: EmulatorProcess,
  connections: number,
  durationS: number,
  poolSize: number,
  log: (line: string) => void,
  /** Where to keep the raw .cpuprofile files (for Chrome DevTools); by default they are deleted. */
  keepDir?: string,
): Promise<ProfilesResult> {
  const dir = mkdtempSync(join(tmpdir(), 'campaign-gateway-profile-'));
  const args = (name: string): string[] => ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`];
  const started = await startTargets(emulator, { gateway: args('gateway'), baseline: args('baseline') });
  const targets = { ...started, apollo: await startPlainApollo(emulator, args('apollo')) };
  const names = ['gateway', 'baseline', 'apollo'] as const;
  let windows: Record<(typeof names)[number], { from: number; to: number; starts: number; cpuMs?: number }> | undefined;
  try {
    windows = {
      gateway: { from: 0, to: 0, starts: 0 },
      baseline: { from: 0, to: 0, starts: 0 },
      apollo: { from: 0, to: 0, starts: 0 },
    };
    for (const name of names) {
      const url = targets[name].url;
      const body = name === 'baseline' ? baselineStartBody : gatewayStartBody;
      await rearm(emulator, poolSize);
      const warm = await runLoad({ url, connections, durationS: Math.min(2, durationS), body: (i) => body(poolId(START_POOL, i % poolSize)) });
      await rearm(emulator, Math.min(warm.sent, poolSize));
      const pid = targets[name].process.pid as number;
      const cpu0 = cpuTimeMs(pid);
      const from = nowUs();
      const run = await runLoad({ url, connections, durationS, body: (i) => body(poolId(START_POOL, i % poolSize)) });
      await emulator.settle();
      const to = nowUs();
      const cpu1 = cpuTimeMs(pid);
      const started = await rearm(emulator, Math.min(run.sent, poolSize));
      windows[name] = { from, to, starts: started, cpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
    }
    for (const name of names) await targets[name].stop();
    const read = (name: string): CpuProfile => JSON.parse(readFileSync(join(dir, `${name}.cpuprofile`), 'utf8')) as CpuProfile;
    const result: ProfilesResult = {
      connections,
      durationS,
      gateway: summariseProfile(read('gateway'), windows.gateway.from, windows.gateway.to, windows.gateway.starts, windows.gateway.cpuMs),
      baseline: summariseProfile(read('baseline'), windows.baseline.from, windows.baseline.to, windows.baseline.starts, windows.baseline.cpuMs),
      apollo: summariseProfile(read('apollo'), windows.apollo.from, windows.apollo.to, windows.apollo.starts, windows.apollo.cpuMs),
    };
    const apolloUs = (result.apollo as ProfileSummary).totalPerStartUs;
    log(`cpu per start: gateway ${result.gateway.totalPerStartUs.toFixed(0)} µs, baseline ${result.baseline.totalPerStartUs.toFixed(0)} µs, plain Apollo ${apolloUs.toFixed(0)} µs`);
    return result;
  } finally {
    for (const name of names) await targets[name].stop();
    if (keepDir) {
      mkdirSync(keepDir, { recursive: true });
      for (const file of readdirSync(dir)) copyFileSync(join(dir, file), join(keepDir, file));
      // The measured window of each profile (µs on the profiles' clock), to read them the same way.
      if (windows) writeFileSync(join(keepDir, 'windows.json'), `${JSON.stringify(windows, null, 2)}\n`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
