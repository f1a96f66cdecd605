import { OPERATION_NAMES, type OperationName, type RecordedCall } from './types';

/** Default cap on remembered calls: a long load test must not grow memory without bound. */
export const DEFAULT_MAX_RECORDED_CALLS = 100_000;

/**
 * The call log. Counts are exact; the `calls` array keeps the most recent `limit` calls (oldest
 * dropped in chunks, so trimming stays cheap per call). The array is mutated in place, never
 * replaced, so a reference to it stays live.
 */
export class CallRecorder {
  readonly calls: RecordedCall[] = [];
  private readonly counts = new Map<OperationName, number>();
  private total = 0;

  constructor(private readonly limit: number = DEFAULT_MAX_RECORDED_CALLS) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('maxRecordedCalls must be a positive integer');
  }

  record(operation: OperationName, campaignIds: string[]): void {
    if (this.calls.length >= this.limit) this.calls.splice(0, Math.max(1, this.limit >> 3));
    this.calls.push({ operation, campaignIds, at: Date.now() });
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
    this.total++;
  }

  count(operation?: OperationName): number {
    return operation === undefined ? this.total : this.counts.get(operation) ?? 0;
  }

  /** Every operation with its count (zeros included), for the control API. */
  countsByOperation(): Record<OperationName, number> {
    const out = {} as Record<OperationName, number>;
    for (const op of OPERATION_NAMES) out[op] = this.counts.get(op) ?? 0;
    return out;
  }

  reset(): void {
    this.calls.length = 0;
    this.counts.clear();
    this.total = 0;
  }
}
