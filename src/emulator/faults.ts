import { isAnsweredCampaignState } from './store';
import { OPERATION_NAMES, type AnsweredCampaignStateWire, type OperationName } from './types';
import { ERROR_NAME_PATTERN, ServiceError } from './wire';

export interface FailSpec {
  /** A modelled exception name (e.g. 'ThrottlingException') or any other name (status from `status`, default 400). */
  name: string;
  message?: string;
  /** Body member `state`; InvalidCampaignStateException always carries one (default: the campaign's state). */
  state?: AnsweredCampaignStateWire;
  /** Overrides the modelled status. */
  status?: number;
}

/** How a dripped answer arrives: headers at once, then the body one byte every `intervalMs`. */
export interface DripSpec {
  intervalMs: number;
  /** Whitespace added after the body (so an empty answer has bytes to drip too; JSON allows it). */
  padBytes: number;
}

export interface FaultInjector {
  /** The next `times` calls of `operation` answer this exception (wire-correct status, headers, body). */
  failNext(operation: OperationName, times: number, error: FailSpec): void;
  /**
   * Added latency before answering, for `times` calls (default: until cleared). A delay for one
   * operation wins over '*'; a new delay replaces the old one for the same key; ms 0 removes it.
   */
  delay(operation: OperationName | '*', ms: number, times?: number): void;
  /** The next `times` calls of `operation` get their socket destroyed without an answer. */
  dropNext(operation: OperationName, times: number): void;
  /**
   * The next `times` calls of `operation` are carried out (a start does start) and answered with
   * their status line and headers at once, then their body one byte every `intervalMs` (default
   * 1000), padded with `padBytes` (default 64) of trailing whitespace: an answer that keeps coming.
   */
  dripNext(operation: OperationName, times: number, drip?: Partial<DripSpec>): void;
  clear(): void;
}

/** What to do with one request, decided when it arrives (so concurrent calls consume faults in order). */
export interface FaultPlan {
  delayMs: number;
  drop: boolean;
  fail: FailSpec | undefined;
  drip: DripSpec | undefined;
}

const NO_FAULT: FaultPlan = Object.freeze({ delayMs: 0, drop: false, fail: undefined, drip: undefined });

interface Pending<T> {
  value: T;
  remaining: number;
}

function assertOperation(operation: unknown, allowWildcard: boolean): asserts operation is OperationName | '*' {
  if (allowWildcard && operation === '*') return;
  if (typeof operation !== 'string' || !(OPERATION_NAMES as readonly string[]).includes(operation)) {
    throw new TypeError(`Unknown operation: ${String(operation)}`);
  }
}

function assertCount(value: unknown, label: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${label} must be a non-negative integer`);
  }
}

function checkFailSpec(error: unknown): FailSpec {
  if (typeof error !== 'object' || error === null) throw new TypeError('error must be an object');
  const { name, message, state, status } = error as Record<string, unknown>;
  if (typeof name !== 'string' || !ERROR_NAME_PATTERN.test(name)) {
    throw new TypeError(`error.name must match ${ERROR_NAME_PATTERN.source}`);
  }
  if (message !== undefined && typeof message !== 'string') throw new TypeError('error.message must be a string');
  if (state !== undefined && !isAnsweredCampaignState(state)) throw new TypeError(`Unknown campaign state: ${String(state)}`);
  if (status !== undefined && (typeof status !== 'number' || !Number.isInteger(status) || status < 300 || status > 599)) {
    throw new TypeError('error.status must be an integer between 300 and 599');
  }
  return { name, message, state, status };
}

export class Faults implements FaultInjector {
  private readonly fails = new Map<OperationName, Pending<FailSpec>[]>();
  private readonly drops = new Map<OperationName, number>();
  private readonly delays = new Map<OperationName | '*', Pending<number>>();
  private readonly drips = new Map<OperationName, Pending<DripSpec>>();
  /** Fast path: most requests in a benchmark see no faults at all. */
  private armed = false;

  failNext(operation: OperationName, times: number, error: FailSpec): void {
    assertOperation(operation, false);
    assertCount(times, 'times');
    const spec = checkFailSpec(error);
    if (times === 0) return;
    const queue = this.fails.get(operation) ?? [];
    queue.push({ value: spec, remaining: times });
    this.fails.set(operation, queue);
    this.armed = true;
  }

  delay(operation: OperationName | '*', ms: number, times: number = Number.POSITIVE_INFINITY): void {
    assertOperation(operation, true);
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TypeError('ms must be a non-negative number');
    if (times !== Number.POSITIVE_INFINITY) assertCount(times, 'times');
    if (ms === 0 || times === 0) {
      this.delays.delete(operation);
      return;
    }
    this.delays.set(operation, { value: ms, remaining: times });
    this.armed = true;
  }

  dropNext(operation: OperationName, times: number): void {
    assertOperation(operation, false);
    assertCount(times, 'times');
    if (times === 0) return;
    this.drops.set(operation, (this.drops.get(operation) ?? 0) + times);
    this.armed = true;
  }

  dripNext(operation: OperationName, times: number, drip: Partial<DripSpec> = {}): void {
    assertOperation(operation, false);
    assertCount(times, 'times');
    const intervalMs = drip.intervalMs ?? 1000;
    const padBytes = drip.padBytes ?? 64;
    if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 1) throw new TypeError('intervalMs must be a positive number');
    assertCount(padBytes, 'padBytes');
    if (times === 0) return;
    this.drips.set(operation, { value: { intervalMs, padBytes }, remaining: times });
    this.armed = true;
  }

  clear(): void {
    this.drips.clear();
    this.fails.clear();
    this.drops.clear();
    this.delays.clear();
    this.armed = false;
  }

  /** Consumes the faults that apply to one arriving call of `operation`. */
  plan(operation: OperationName): FaultPlan {
    if (!this.armed) return NO_FAULT;
    const delayMs = this.takeDelay(operation);
    const drop = this.takeDrop(operation);
    // A dropped call never answers, so it does not use up a queued failure.
    const fail = drop ? undefined : this.takeFail(operation);
    const drip = drop ? undefined : this.takeDrip(operation);
    this.armed = this.fails.size > 0 || this.drops.size > 0 || this.delays.size > 0 || this.drips.size > 0;
    return { delayMs, drop, fail, drip };
  }

  private takeDrip(operation: OperationName): DripSpec | undefined {
    const pending = this.drips.get(operation);
    if (!pending) return undefined;
    if (--pending.remaining <= 0) this.drips.delete(operation);
    return pending.value;
  }

  private takeDelay(operation: OperationName): number {
    const key: OperationName | '*' = this.delays.has(operation) ? operation : '*';
    const pending = this.delays.get(key);
    if (!pending) return 0;
    if (--pending.remaining <= 0) this.delays.delete(key);
    return pending.value;
  }

  private takeDrop(operation: OperationName): boolean {
    const left = this.drops.get(operation);
    if (left === undefined) return false;
    if (left <= 1) this.drops.delete(operation);
    else this.drops.set(operation, left - 1);
    return true;
  }

  private takeFail(operation: OperationName): FailSpec | undefined {
    const queue = this.fails.get(operation);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    if (--head.remaining <= 0) queue.shift();
    if (queue.length === 0) this.fails.delete(operation);
    return head.value;
  }
}

/** The ServiceError an injected failure answers with. */
export function failureToError(spec: FailSpec, currentState: AnsweredCampaignStateWire | undefined): ServiceError {
  const state = spec.state ?? (spec.name === 'InvalidCampaignStateException' ? currentState ?? 'Running' : undefined);
  return new ServiceError(spec.name, spec.message, { status: spec.status, state });
}
