import type { ServerResponse } from 'node:http';
import type { Logger } from './logger';

/**
 * What the gateway knows about the HTTP request being served. Made by the HTTP layer and handed
 * on explicitly (to the GraphQL context), not through AsyncLocalStorage: on Node 20 its promise
 * hooks slow every promise of every request.
 */
export interface RequestScope {
  readonly requestId: string;
  /** When the request's headers were in (performance.now() clock): its deadline counts from here. */
  readonly arrivedAt: number;
  /**
   * The request's logger for anything (errors included), with every redaction path; every line it
   * writes carries `requestId`. Made on first use: most requests write no such line.
   */
  readonly logger: Logger;
  /** The request's logger for its fixed-shape event lines (see `eventLogger`); carries `requestId`. */
  readonly events: Logger;
  /** The response; its `close` ends everything the request holds (e.g. its AWS deadline timer). */
  readonly response: ServerResponse;
  /** Filled in by the GraphQL request plugin once Apollo has resolved the operation. */
  operation?: OperationSummary;
}

export interface OperationSummary {
  /** The operation's name in a parsed and validated document; null when anonymous or never resolved. */
  name: string | null;
  /** `query`, `mutation` or `subscription`; null when the operation was never resolved. */
  type: string | null;
  /** Whether execution started (parse, validation and the operation checks passed). */
  executed: boolean;
  /** How many top-level errors the response holds. */
  errorCount: number;
  /** Their distinct `extensions.code` values. */
  errorCodes: string[];
}

/**
 * The scope of one request. `logger` is the process's logger and `events` its `eventLogger`; the
 * request's children of both carry `requestId`.
 */
export function createRequestScope(requestId: string, response: ServerResponse, loggers: { logger: Logger; events: Logger }): RequestScope {
  let logger: Logger | undefined;
  return {
    requestId,
    arrivedAt: performance.now(),
    response,
    events: loggers.events.child({ requestId }),
    get logger() {
      logger ??= loggers.logger.child({ requestId });
      return logger;
    },
  };
}
