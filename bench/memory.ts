/**
 * Memory: resident set size of a fresh gateway process when ready, after 5k and after 50k starts
 * at the benchmark's connection count. Flat between 5k and 50k means nothing accumulates per request.
 */
import { runLoad } from './load';
import { rssMb, type EmulatorProcess } from './processes';
import { poolId } from './protocol';
import { START_POOL, gatewayStartBody, rearm, startTargets } from './starts';

export interface MemoryResult {
  connections: number;
  readyMb: number;
  after5kMb: number;
  after50kMb: number;
  /** V8 heap in use after 50k, from the gateway's own /metrics. */
  heapUsedAfter50kMb: number | null;
  baselineAfter50kMb: number;
}

async function heapUsedMb(metricsUrl: string): Promise<number | null> {
  const text = await (await fetch(metricsUrl)).text();
  const value = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1];
  return value ? Number(value) / 2 ** 20 : null;
}

export async function measureMemory(emulator: EmulatorProcess, connections: number, poolSize: number, log: (line: string) => void): Promise<MemoryResult> {
  const targets = await startTargets(emulator);
  try {
    const pid = targets.gateway.process.pid as number;
    const readyMb = await rssMb(pid);
    let offset = 0;
    const starts = async (url: string, amount: number, body: (id: string) => string): Promise<void> => {
      if (offset + amount > poolSize) {
        await rearm(emulator, offset);
        offset = 0;
      }
      const from = offset;
      const result = await runLoad({ url, connections, amount, body: (i) => body(poolId(START_POOL, from + i)) });
      offset += result.sent;
      if (result.ok2xx < amount) throw new Error(`memory run: only ${result.ok2xx} of ${amount} requests answered 2xx`);
    };
    await rearm(emulator, poolSize);
    await starts(targets.gateway.url, 5_000, gatewayStartBody);
    const after5kMb = await rssMb(pid);
    await starts(targets.gateway.url, 45_000, gatewayStartBody);
    const after50kMb = await rssMb(pid);
    const heapUsedAfter50kMb = await heapUsedMb(targets.gateway.url.replace(/\/graphql$/, '/metrics'));
    await starts(targets.baseline.url, 50_000, (id) => JSON.stringify({ id }));
    const baselineAfter50kMb = await rssMb(targets.baseline.process.pid as number);
    await rearm(emulator, Math.min(offset, poolSize));
    const result = { connections, readyMb, after5kMb, after50kMb, heapUsedAfter50kMb, baselineAfter50kMb };
    log(
      `memory (RSS): gateway ready ${readyMb.toFixed(1)} MB, after 5k ${after5kMb.toFixed(1)} MB, after 50k ${after50kMb.toFixed(1)} MB ` +
        `(heap ${heapUsedAfter50kMb?.toFixed(1)} MB); baseline after 50k ${baselineAfter50kMb.toFixed(1)} MB`,
    );
    return result;
  } finally {
    await targets.gateway.stop();
    await targets.baseline.stop();
  }
}
