/**
 * When the AWS work of one request must end (UPSTREAM_DEADLINE_MS): one timer, and the calls
 * still waiting on it. A plain object rather than an AbortController per request: an
 * AbortSignal's EventTarget listeners per AWS call showed in the start's profile
 * (docs/decisions/0004-request-deadline-without-abortcontroller.md).
 */
export class Deadline {
  private isPassed = false;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  /** A deadline `ms` from now. Dispose of it when the request is over, so its timer goes too. */
  static in(ms: number): Deadline {
    const deadline = new Deadline();
    deadline.timer = setTimeout(() => deadline.pass(), ms).unref();
    return deadline;
  }

  /**
   * A deadline at `at` on the `performance.now()` clock (a request's arrival plus its allowance,
   * say); already passed when `at` is.
   */
  static at(at: number): Deadline {
    const ms = at - performance.now();
    return ms > 0 ? Deadline.in(ms) : Deadline.passed();
  }

  /** A deadline that has already passed: nothing bounded by it is sent. */
  static passed(): Deadline {
    const deadline = new Deadline();
    deadline.pass();
    return deadline;
  }

  get passed(): boolean {
    return this.isPassed;
  }

  /**
   * Calls `listener` once when the deadline passes; nothing if it already has (check `passed`
   * first). Answers a function that takes the listener back.
   */
  onPass(listener: () => void): () => void {
    if (!this.isPassed) this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Passes the deadline now (as its timer does) and tells every listener. */
  pass(): void {
    if (this.isPassed) return;
    this.isPassed = true;
    clearTimeout(this.timer);
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }

  /** The request is over: clears the timer; the deadline never passes. */
  dispose(): void {
    clearTimeout(this.timer);
    this.listeners.clear();
  }
}
