/**
 * `npm run bench`: the gateway against a bare node:http + AWS SDK proxy, each in its own process,
 * with the emulator (also its own process) standing in for AWS. See BENCHMARKS.md.
 *
 *   npm run bench -- [--rounds 5] [--duration 4] [--latency-duration 2] [--connections 16]
 *                    [--warmup 2] [--only starts,headtohead,reads,viewers,startup,memory,profile,layers,quota,subscriptions]
 *                    [--viewers 1,10,50,100,500] [--viewers-duration 5] [--quota-duration 4] [--label "..."]
 *                    [--subscribers 1,100,1000] [--replicas 1,3] [--subscriptions-window 8]
 *                    [--no-write] [--keep-profiles DIR]
 *
 * Each option can also come from the environment: BENCH_ROUNDS, BENCH_DURATION, ... BENCH_LABEL.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, arch, release, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import type { LayersResult } from './layers';
import { measureMemory } from './memory';
import { DIST, awsEnv, startEmulator } from './processes';
import { measureHeadToHead } from './headToHead';
import { measureProfiles } from './profile';
import { measureQuota } from './quota';
import { measureReads } from './reads';
import { renderGenerated, updateBenchmarksMd, type BenchResults, type MachineFacts } from './report';
import { measureStarts, startPlainApollo, startTargets } from './starts';
import { measureStartup } from './startup';
import { VIEWER_COUNTS, measureViewers, startGateway } from './viewers';
import { measureSubscriptions } from './subscriptions';

const ROOT = join(__dirname, '..', '..');
const PARTS = ['starts', 'headtohead', 'reads', 'viewers', 'startup', 'memory', 'profile', 'layers', 'quota', 'subscriptions'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  rounds: number;
  durationS: number;
  latencyDurationS: number;
  connections: number;
  warmupS: number;
  poolSize: number;
  startupRuns: number;
  profileDurationS: number;
  only: Set<Part>;
  label: string;
  write: boolean;
  keepProfiles?: string;
  viewers: number[];
  viewersDurationS: number;
  quotaDurationS: number;
  /** Live states: subscriber counts, replica counts, and each configuration's window (s). */
  subscribers: number[];
  replicas: number[];
  subscriptionsWindowS: number;
}

const OPTION_NAMES = [
  'rounds', 'duration', 'latency-duration', 'connections', 'warmup', 'pool', 'startup-runs', 'profile-duration', 'only', 'label',
  'write', 'keep-profiles', 'viewers', 'viewers-duration', 'quota-duration', 'subscribers', 'replicas', 'subscriptions-window',
];

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (name === 'no-write') given.set('write', 'false');
    else given.set(name, inline ?? (argv[++i] as string));
  }
  for (const name of given.keys()) if (!OPTION_NAMES.includes(name)) throw new Error(`unknown option --${name} (options: ${OPTION_NAMES.map((o) => `--${o}`).join(', ')}; usage at the top of bench/run.ts)`);
  const value = (name: string): string | undefined => given.get(name) ?? env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const number = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got ${raw})`);
    return n;
  };
  const only = new Set((value('only') ?? PARTS.join(',')).split(',').map((p) => p.trim()) as Part[]);
  for (const part of only) if (!PARTS.includes(part)) throw new Error(`--only: unknown part ${part} (parts: ${PARTS.join(', ')})`);
  const connections = Math.round(number('connections', 16));
  const durationS = number('duration', 4);
  return {
    rounds: Math.round(number('rounds', 5)),
    durationS,
    latencyDurationS: number('latency-duration', 2),
    connections,
    warmupS: number('warmup', 2),
    // Enough startable campaigns for the longest run (and the 50k memory run) on a fast machine.
    poolSize: Math.round(number('pool', Math.max(60_000, durationS * 12_000))),
    startupRuns: Math.round(number('startup-runs', 5)),
    profileDurationS: number('profile-duration', durationS),
    only,
    label: value('label') ?? 'npm run bench',
    write: value('write') !== 'false',
    keepProfiles: value('keep-profiles'),
    viewers: (value('viewers') ?? VIEWER_COUNTS.join(',')).split(',').map((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--viewers: ${v} is not a positive whole number`);
      return n;
    }),
    viewersDurationS: number('viewers-duration', 5),
    quotaDurationS: number('quota-duration', 4),
    subscribers: (value('subscribers') ?? '1,100,1000').split(',').map(Number),
    replicas: (value('replicas') ?? '1,3').split(',').map(Number),
    subscriptionsWindowS: number('subscriptions-window', 8),
  };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function machineFacts(): MachineFacts {
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  return {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: totalmem() / 2 ** 30,
    node: process.versions.node,
    platform: `${platform()} ${release()} ${arch()}`,
    loadAverage: { start: loadavg()[0] ?? 0, end: 0 },
    commit: `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? '+changes' : ''}`,
    versions: {
      '@apollo/server': versionOf('@apollo/server'),
      graphql: versionOf('graphql'),
      '@aws-sdk/client-connectcampaignsv2': versionOf('@aws-sdk/client-connectcampaignsv2'),
      autocannon: versionOf('autocannon'),
    },
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const t0 = Date.now();
  const log = (line: string): void => void process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const results: BenchResults = { label: options.label, machine: machineFacts() };
  log(`bench: ${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}, load ${results.machine.loadAverage.start.toFixed(2)}; parts: ${[...options.only].join(', ')}`);
  const emulator = await startEmulator();
  try {
    if (options.only.has('starts') || options.only.has('reads')) {
      const targets = await startTargets(emulator);
      try {
        if (options.only.has('starts')) {
          results.starts = await measureStarts(emulator, targets, { ...options, log });
        }
        if (options.only.has('reads')) {
          // What one request costs by itself (its DataLoaders' batching): repeated reads would
          // otherwise be served by the reads shared across requests (the viewers part measures those).
          const unshared = await startGateway(emulator, { READ_CACHE_MAX_AGE_MS: '0' });
          try {
            results.reads = await measureReads(emulator, unshared.url, ['entities', 'aliases'], log);
          } finally {
            await unshared.stop();
          }
        }
      } finally {
        await targets.gateway.stop();
        await targets.baseline.stop();
      }
    }
    if (options.only.has('headtohead')) {
      const gateway = await startGateway(emulator, {});
      const apollo = await startPlainApollo(emulator);
      try {
        const { rounds, durationS, connections } = options;
        results.headToHead = await measureHeadToHead(emulator, { gateway, apollo }, { rounds, durationS, connections, log });
      } finally {
        await gateway.stop();
        await apollo.stop();
      }
    }
    if (options.only.has('viewers')) {
      results.viewers = await measureViewers(emulator, { durationS: options.viewersDurationS, intervalMs: 500, counts: options.viewers }, log);
    }
    if (options.only.has('subscriptions')) {
      results.subscriptions = await measureSubscriptions(
        emulator,
        { windowS: options.subscriptionsWindowS, subscribers: options.subscribers, replicas: options.replicas },
        log,
      );
    }
    if (options.only.has('startup')) results.startup = await measureStartup(emulator.url, options.startupRuns, log);
    if (options.only.has('memory')) results.memory = await measureMemory(emulator, options.connections, options.poolSize, log);
    if (options.only.has('profile')) {
      results.profiles = await measureProfiles(emulator, options.connections, options.profileDurationS, options.poolSize, log, options.keepProfiles);
    }
    if (options.only.has('layers')) {
      // No network: the SDK clients get a canned answer; the address is never dialled.
      const out = execFileSync(process.execPath, [join(DIST, 'bench', 'layers.js')], { env: awsEnv('http://127.0.0.1:9'), encoding: 'utf8' });
      results.layers = JSON.parse(out) as LayersResult;
      log(
        `layers: Apollo pipeline ${results.layers.apolloPipelineUs.toFixed(1)} µs/start; SDK call ${results.layers.sdkDefaultClientUs.toFixed(1)} µs ` +
          `(default client), ${results.layers.sdkGatewayClientUs.toFixed(1)} µs (gateway's client)`,
      );
    }
    if (options.only.has('quota')) results.quota = await measureQuota(emulator, { durationS: options.quotaDurationS }, log);
  } finally {
    await emulator.stop();
  }
  results.machine.loadAverage.end = loadavg()[0] ?? 0;

  // A trial run (--no-write) leaves the repository as it was: its figures go to the temp directory.
  const dir = options.write ? join(ROOT, 'bench', 'results') : mkdtempSync(join(tmpdir(), 'campaign-gateway-bench-results-'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${results.machine.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ options: { ...options, only: [...options.only] }, ...results }, null, 2)}\n`);
  log(`results: ${options.write ? relative(ROOT, file) : file}`);
  if (options.write) {
    updateBenchmarksMd(join(ROOT, 'BENCHMARKS.md'), renderGenerated(results, relative(ROOT, file)));
    log('BENCHMARKS.md updated');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
