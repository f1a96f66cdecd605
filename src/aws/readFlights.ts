/**
 * Reads in flight that several requests share: one request leads the call, the others join it.
 * A leader's failure of its own (its deadline, its budget, no AWS call token within its deadline)
 * says nothing about AWS, so those who joined ask again rather than fail with it.
 */
import { AwsQuotaUnavailableError } from './quota';
import type { KeptAnswer } from './readStore';
import type { RequestSide } from './sharedReads';

/**
 * A call another request leads failed for its own reasons (`RequestSide.ownFailure`: its budget,
 * its deadline, no token within its deadline), which say nothing about AWS: those waiting on it ask again.
 */
export class LeaderFailure {
  constructor(readonly error: unknown) {}
}

/** A read in flight, by key; removed early when forgotten, and then its answer is not kept. */
export interface Flight {
  promise: Promise<KeptAnswer | undefined>;
}

/** The leader's work, with its own failures marked so that those who joined it ask again. */
export function lead<T>(work: Promise<T>, side: RequestSide): Promise<T> {
  const marked = work.catch((err: unknown) => {
    throw side.ownFailure(err) || err instanceof AwsQuotaUnavailableError ? new LeaderFailure(err) : err;
  });
  // Marked handled: a flight nobody joins must not be an unhandled rejection.
  marked.catch(() => undefined);
  return marked;
}

/** What the leader itself sees: its failure as it was. */
export function unwrap<T>(flight: Promise<T>): Promise<T> {
  return flight.catch((err: unknown) => {
    throw err instanceof LeaderFailure ? err.error : err;
  });
}

/** Answered by `joined` when the leader failed for its own reasons: the joiner asks again. */
export const AGAIN = Symbol('askAgain');

/** A joiner's view of another request's read: bounded by its own deadline; AGAIN if the leader's failure was the leader's own. */
export function joined<T>(running: Promise<T>, side: RequestSide, operation: string): Promise<T | typeof AGAIN> {
  return side.wait(running, operation).catch((err: unknown) => {
    if (err instanceof LeaderFailure) return AGAIN;
    throw err;
  });
}
