/**
 * The gateway and the plain Apollo peer loaded at the same time, each with its own pool of
 * startable campaigns and the same closed-loop load (the same connections, each sending its next
 * start when the last is answered). Whatever else the machine is doing then hits both alike, so
 * the CPU per start of the two (and who serves more starts while both compete for the CPUs) can
 * be compared round by round even where runs one after the other differ by a third.
 */
import { runLoad } from './load';
import { cpuTimeMs, type EmulatorProcess, type StartedServer } from './processes';
import { poolId } from './protocol';
import { gatewayStartBody } from './starts';
import { median } from './stats';

const POOLS = { gateway: 'h2h-gateway', apollo: 'h2h-apollo' } as const;
type Side = keyof typeof POOLS;
const WARM_UP_S = 10;

export interface HeadToHeadRound {
  /** Successful starts per second while both were loaded. */
  startsPerS: Record<Side, number>;
  /** CPU time (user + system, from /proc) per successful start, µs. */
  cpuUsPerStart: Record<Side, number>;
}

export interface HeadToHeadResult {
  connections: number;
  durationS: number;
  rounds: HeadToHeadRound[];
  /** Gateway ÷ plain Apollo, per round, then the median over rounds. */
  ratios: { startsPerS: number; cpuPerStart: number; perRound: Array<{ startsPerS: number; cpuPerStart: number }> };
}

export async function measureHeadToHead(
  emulator: EmulatorProcess,
  targets: Record<Side, StartedServer & { url: string }>,
  options: { rounds: number; durationS: number; connections: number; log(line: string): void },
): Promise<HeadToHeadResult> {
  const sides = Object.keys(POOLS) as Side[];
  // Enough startable campaigns on each side for its longest run at well above either's rate.
  const poolSize = Math.ceil(Math.max(options.durationS, WARM_UP_S) * 4000);
  const rounds: HeadToHeadRound[] = [];
  for (const side of sides) await emulator.pool(POOLS[side], poolSize, 'Initialized');
  for (let r = 0; r <= options.rounds; r++) {
    const cpu0 = sides.map((side) => cpuTimeMs(targets[side].process.pid as number) ?? Number.NaN);
    const t0 = process.hrtime.bigint();
    // Round 0 warms both up (the JIT settles over the first several thousand starts) and is not kept.
    const durationS = r === 0 ? WARM_UP_S : options.durationS;
    await Promise.all(
      sides.map((side) =>
        runLoad({
          url: targets[side].url,
          connections: options.connections,
          durationS,
          body: (i) => gatewayStartBody(poolId(POOLS[side], i % poolSize)),
        }),
      ),
    );
    await emulator.settle();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = sides.map((side) => cpuTimeMs(targets[side].process.pid as number) ?? Number.NaN);
    // Put each pool back to Initialized for the next round, counting what this one started.
    const started = await Promise.all(sides.map(async (side) => (await emulator.pool(POOLS[side], poolSize, 'Initialized')).Running ?? 0));
    if (r === 0) continue;
    const round = { startsPerS: {}, cpuUsPerStart: {} } as HeadToHeadRound;
    sides.forEach((side, i) => {
      const starts = started[i] as number;
      round.startsPerS[side] = starts / seconds;
      round.cpuUsPerStart[side] = ((cpu1[i] as number) - (cpu0[i] as number)) * 1000 / Math.max(1, starts);
    });
    rounds.push(round);
    options.log(
      `head-to-head round ${r}: gateway ${round.startsPerS.gateway.toFixed(0)} starts/s (${round.cpuUsPerStart.gateway.toFixed(0)} µs CPU/start), ` +
        `plain Apollo ${round.startsPerS.apollo.toFixed(0)} starts/s (${round.cpuUsPerStart.apollo.toFixed(0)} µs CPU/start)`,
    );
  }
  const perRound = rounds.map((round) => ({
    startsPerS: round.startsPerS.gateway / round.startsPerS.apollo,
    cpuPerStart: round.cpuUsPerStart.gateway / round.cpuUsPerStart.apollo,
  }));
  return {
    connections: options.connections,
    durationS: options.durationS,
    rounds,
    ratios: { startsPerS: median(perRound.map((p) => p.startsPerS)), cpuPerStart: median(perRound.map((p) => p.cpuPerStart)), perRound },
  };
}
