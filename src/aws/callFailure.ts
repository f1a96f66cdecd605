/** How an AWS call that did not succeed is told to the layers above: its attempts and its cause. */
import { MUTATING_OPERATIONS } from './operations';


/**
 * What became of one HTTP attempt of an AWS call:
 * - answered: AWS sent a status line and a complete body (a success or a service error);
 * - not-sent: the request never left (connection refused, name not resolved, connect timeout,
 *   or refused here: deadline passed, circuit open);
 * - no-answer: the request may have reached AWS but no complete answer came back (timeout,
 *   reset, a status line whose body never completed). For a mutating call the change may have
 *   happened.
 */
export type AttemptResult = 'answered' | 'not-sent' | 'no-answer';

export interface UpstreamAttempt {
  result: AttemptResult;
  /** The attempt's error as the HTTP handler or deserializer threw it; absent on success. */
  error?: unknown;
}

/** An AWS call that did not succeed. Its message is for logs, never for callers. */
export class AwsCallFailure extends Error {
  override readonly name = 'AwsCallFailure';
  readonly mutating: boolean;
  constructor(
    readonly operation: string,
    /** Every attempt, in order; at least one (a call refused before sending counts one not-sent). */
    readonly attempts: readonly UpstreamAttempt[],
    /** The SDK's error of the call (AWS's exception when it answered). */
    override readonly cause: unknown,
  ) {
    super(`${operation} failed: ${describeError(cause)}`);
    this.mutating = MUTATING_OPERATIONS.has(operation);
  }

  /** Whether any attempt may have reached AWS without its answer coming back. */
  get mayHaveBeenDelivered(): boolean {
    return this.attempts.some((a) => a.result === 'no-answer');
  }

  /** Whether the last attempt got a complete answer from AWS. */
  get answered(): boolean {
    return this.attempts[this.attempts.length - 1]?.result === 'answered';
  }
}

/** The request has made all the AWS calls it may (`MAX_AWS_CALLS_PER_REQUEST`); this one was not sent. */
export class AwsCallBudgetExceededError extends Error {
  override readonly name = 'AwsCallBudgetExceededError';
  constructor(
    readonly limit: number,
    readonly operation: string,
  ) {
    super(`${operation} not sent: the request has used its ${limit} AWS calls`);
  }
}

/** An error as one line for logs; never fails. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return String(err);
  } catch {
    // e.g. an object without a prototype: describing a failure must not fail.
    return Object.prototype.toString.call(err);
  }
}
