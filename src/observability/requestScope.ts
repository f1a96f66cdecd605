import { AsyncLocalStorage } from 'node:async_hooks';
import type { GraphQLRequestContext } from '@apollo/server';
import type { Logger } from './logger';

/** What the gateway knows about the HTTP request being served. */
export interface RequestScope {
  readonly requestId: string;
  /** The request's logger: every line it writes carries `requestId`. */
  readonly logger: Logger;
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

/** The logger interface Apollo Server takes. */
type ApolloLogger = GraphQLRequestContext<object>['logger'];

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` (and everything it awaits) as part of one HTTP request. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Apollo Server's logger is one per server, but some of its lines belong to a request ("A GraphQL
 * operation was received during server shutdown", "Unexpected error processing request"). This
 * one writes through the current request's logger, so those lines carry its `requestId` too.
 */
export function requestScopedLogger(base: Logger, bindings: Record<string, unknown>): ApolloLogger {
  const serverLogger = base.child(bindings);
  const target = () => currentRequestScope()?.logger.child(bindings) ?? serverLogger;
  return {
    debug: (message) => target().debug(message),
    info: (message) => target().info(message),
    warn: (message) => target().warn(message),
    error: (message) => target().error(message),
  };
}
