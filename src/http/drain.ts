import { ServerResponse, type IncomingMessage, type Server } from 'node:http';

/** How long past a request's deadline the drain still waits for its answer and its audit lines. */
export const DRAIN_MARGIN_MS = 2000;

/**
 * How long the drain can wait once the listener has closed: a request accepted just before that
 * has its whole deadline, and its answer the margin.
 */
export function drainLimitMs(deadlineMs: number): number {
  return deadlineMs + DRAIN_MARGIN_MS;
}

/**
 * The longest a stop takes from SIGTERM to exit: every request it waits for arrived by the end of
 * the shutdown delay, so its deadline ends within `deadlineMs` of that, and its answer within the
 * margin. An orchestrator's grace period must be longer.
 */
export function longestStopMs({ shutdownDelayMs, deadlineMs }: DrainOptions): number {
  return shutdownDelayMs + drainLimitMs(deadlineMs);
}

export interface DrainOptions {
  /** UPSTREAM_DEADLINE_MS: how long a request's AWS work may go on, counted from its arrival. */
  deadlineMs: number;
  /** SHUTDOWN_DELAY_MS: how long requests are still accepted once draining. */
  shutdownDelayMs: number;
  /** The clock arrivals are read on (performance.now), replaceable in tests. */
  now?: () => number;
}

/**
 * Requests in flight and the shutdown that waits for them, on one rule: the process never exits
 * while an AWS action it sent is unanswered or unaudited. A request's deadline starts at its
 * arrival (its headers), so its body, its token check and its AWS work all end by it. At SIGTERM
 * the drain's end is fixed (the delay, then the drain limit); a request may start its work only if
 * its deadline ends in time for the drain to wait for its answer (`admits`), otherwise it is
 * refused before any AWS call. Then the drain waits for what is in flight, on their deadlines.
 */
export class Drain {
  /** When the drain stops waiting (performance.now() clock); undefined until SIGTERM. */
  private endsAt: number | undefined;
  /** Each request in flight's work, and its deadline. Responses are not kept here (see `responseClass`). */
  private readonly inFlight = new Map<Promise<void>, number>();
  private onSettle: (() => void) | undefined;

  private readonly now: () => number;

  constructor(private readonly options: DrainOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Whether SIGTERM has come: /readyz answers 503 and every answer closes its connection. */
  get draining(): boolean {
    return this.endsAt !== undefined;
  }

  /** When the AWS work of a request that arrived at `arrivedAt` must end (performance.now() clock). */
  deadlineOf(arrivedAt: number): number {
    return arrivedAt + this.options.deadlineMs;
  }

  /**
   * Whether a request whose deadline is `deadlineAt` may start its work. Always before SIGTERM;
   * after it, while the drain can still wait for its deadline and answer: every request accepted
   * during the shutdown delay, none that comes later on a kept-alive connection.
   */
  admits(deadlineAt: number): boolean {
    return this.endsAt === undefined || deadlineAt + DRAIN_MARGIN_MS <= this.endsAt;
  }

  /**
   * The server's ServerResponse (`createServer({ ServerResponse })`): once draining, every answer
   * whose head is still to be written closes its connection, so the caller reconnects elsewhere
   * (`end()` writes the head through `writeHead` too). Checked as each head is written rather than
   * by reaching the responses in flight at SIGTERM: a long-lived collection holding each response
   * made every request's objects survive minor GCs (docs/decisions/0010-drain-keeps-no-responses.md).
   */
  responseClass(): typeof ServerResponse {
    const draining = () => this.draining;
    return class DrainingResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
      override writeHead(statusCode: number, ...rest: unknown[]): this {
        if (draining() && !this.headersSent) this.setHeader('connection', 'close');
        return (super.writeHead as (statusCode: number, ...rest: unknown[]) => this).call(this, statusCode, ...rest);
      }
    };
  }

  /** Work of one request (its whole handling), which the drain waits for until it settles or its deadline is long past. */
  track(work: Promise<unknown>, deadlineAt: number): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.set(settled, deadlineAt);
    void settled.then(() => {
      this.inFlight.delete(settled);
      this.onSettle?.();
    });
  }

  /**
   * SIGTERM: fixes the drain's end, keeps accepting for the shutdown delay, closes the listener
   * (idle kept-alive connections with it), then waits for the requests in flight: each until it
   * settles, or until its deadline plus the margin, and never past the drain's end.
   */
  async stop(server: Server, whenClosed?: () => Promise<void>): Promise<void> {
    if (this.draining) return;
    this.begin();
    const { shutdownDelayMs } = this.options;
    if (shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, shutdownDelayMs));
    server.close();
    await Promise.all([whenClosed?.(), this.settled()]);
    server.closeAllConnections();
  }

  /** Draining from now: the drain's end is fixed, and answers still to come close their connections. */
  begin(): void {
    if (this.draining) return;
    this.endsAt = this.now() + longestStopMs(this.options);
  }

  /**
   * Resolves once no request the drain admits is in flight, or once the latest of their deadlines
   * (plus the margin) has passed. A request it does not admit never reaches AWS (it is refused
   * before its work starts), so it is not waited for: its connection is closed at the end.
   */
  private async settled(): Promise<void> {
    for (;;) {
      let latest = -Infinity;
      for (const deadlineAt of this.inFlight.values()) {
        if (this.admits(deadlineAt)) latest = Math.max(latest, deadlineAt + DRAIN_MARGIN_MS);
      }
      const waitMs = latest - this.now();
      if (waitMs <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.onSettle = resolve;
        timer = setTimeout(resolve, waitMs);
      });
      clearTimeout(timer);
      this.onSettle = undefined;
    }
  }
}
