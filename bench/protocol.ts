/** Messages between the benchmark and its emulator process (bench/emulator.ts), over IPC. */
import type { CampaignStateWire } from '../src/emulator';

export type EmulatorCommand =
  /** Creates campaigns `${prefix}-000000`.. (count of them), or sets existing ones back to `state`. */
  | { type: 'pool'; id: number; prefix: string; count: number; state: CampaignStateWire };

export type EmulatorReply =
  | { type: 'ready'; url: string }
  /** `previous`: how many of the pool campaigns were in each state before (e.g. Running = starts since the last reset). */
  | { type: 'done'; id: number; previous: Partial<Record<CampaignStateWire, number>> };

export function poolId(prefix: string, i: number): string {
  return `${prefix}-${String(i).padStart(6, '0')}`;
}
