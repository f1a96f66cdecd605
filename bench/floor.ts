/**
 * The floor: StartCampaign straight from a loop in one process, with a default SDK client (as the
 * baseline's). No HTTP server in front, so this is what the SDK and the emulator alone allow.
 * Driven over IPC by the benchmark: each `run` message answers with a `result`.
 */
import { ConnectCampaignsV2Client, StartCampaignCommand } from '@aws-sdk/client-connectcampaignsv2';
import { poolId } from './protocol';
import { LatencyRecorder, type LatencySummary } from './stats';

export interface FloorRun {
  type: 'run';
  connections: number;
  durationS: number;
  prefix: string;
}

export interface FloorResult {
  type: 'result';
  elapsedS: number;
  ok: number;
  failed: number;
  /** Error names of the failed calls, with counts. */
  failures: Record<string, number>;
  sent: number;
  requestsPerS: number;
  latency: LatencySummary;
}

const client = new ConnectCampaignsV2Client({});

async function run({ connections, durationS, prefix }: FloorRun): Promise<FloorResult> {
  const latencies = new LatencyRecorder();
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  const started = performance.now();
  const until = started + durationS * 1000;
  async function loop(): Promise<void> {
    while (performance.now() < until) {
      const id = poolId(prefix, sent++);
      const t0 = performance.now();
      try {
        await client.send(new StartCampaignCommand({ id }));
        latencies.record(performance.now() - t0);
        ok++;
      } catch (err) {
        failed++;
        const name = (err as { name?: string }).name ?? 'unknown';
        failures[name] = (failures[name] ?? 0) + 1;
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsedS = (performance.now() - started) / 1000;
  return { type: 'result', elapsedS, ok, failed, failures, sent, requestsPerS: ok / elapsedS, latency: latencies.summary() };
}

process.on('message', (message: FloorRun) => {
  if (message.type !== 'run') return;
  run(message).then(
    (result) => process.send?.(result),
    (err: unknown) => {
      process.stderr.write(`floor run failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
});
process.send?.({ type: 'ready' });
