import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { operationSummaryPlugin } from './operationSummaryPlugin';
import type { ContextValue } from './context';
import { formatError, isUnexpected } from './errors';
import { refuseSubscriptions } from './clientMistakes';
import { inlineTraceWhenAsked } from './inlineTraceWhenAsked';
import { buildSchema } from './schema';
import { operationLimits } from './limits/operationLimits';
import { startFanOutLimit } from './limits/startFanOut';
import { awsCallBudgetLimit } from './limits/awsCallBudget';

export interface ApolloOptions {
  production: boolean;
  logger: Logger;
  httpServer: Server;
  /** The schema (`gatewaySchema`), when another server (subscriptions) serves it too. */
  schema?: GraphQLSchema;
  config: Pick<
    Config,
    | 'limits'
    | 'maxStartsPerOperation'
    | 'maxAwsCallsPerRequest'
    | 'maxEntityRepresentations'
    | 'startScope'
    | 'stopScope'
    | 'schemaAuthDirectives'
    | 'upstream'
  >;
}

/** How long past the request deadline draining waits for an answer to be written. */
export const DRAIN_MARGIN_MS = 2000;

/**
 * On stop, how long requests in flight may run on before their connections are closed: their AWS
 * work ends by the request deadline, so a little longer than that answers every one of them.
 */
export function drainLimitMs(deadlineMs: number): number {
  return deadlineMs + DRAIN_MARGIN_MS;
}

/** Logs every undocumented failure in full, with the request's id (callers see it masked). */
const logUnexpectedErrors: ApolloServerPlugin<ContextValue> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue, operationName }) {
        for (const error of errors) {
          if (!isUnexpected(error)) continue;
          contextValue.scope.logger.error(
            { err: unwrapResolverError(error), path: error.path, operationName },
            'unexpected failure',
          );
        }
      },
    };
  },
};

/** The gateway's executable schema, as configured (action scopes, auth directives). */
export function gatewaySchema(config: Pick<Config, 'startScope' | 'stopScope' | 'schemaAuthDirectives'>): GraphQLSchema {
  return buildSchema({ scopes: { start: config.startScope, stop: config.stopScope }, authDirectives: config.schemaAuthDirectives });
}

export function createApolloServer({ production, logger, httpServer, schema, config }: ApolloOptions): ApolloServer<ContextValue> {
  const limits = operationLimits({ limits: config.limits, production });
  return new ApolloServer<ContextValue>({
    schema: schema ?? gatewaySchema(config),
    // Apollo's logger is per server: its rare lines about one request (a pipeline failure, an
    // operation during shutdown) carry no request id; that request's `graphql.request` line does.
    // Carrying it there would take AsyncLocalStorage, whose promise hooks cost every promise of
    // every request on Node 20 (see BENCHMARKS.md).
    logger: logger.child({ component: 'apollo' }),
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: every request carries its full text through the same limits,
    // and a router in front is where a safelist of operations belongs (see README, Security).
    persistedQueries: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // server.ts owns SIGTERM/SIGINT: readiness first, then drain, then exit 0.
    stopOnTerminationSignals: false,
    formatError,
    plugins: [
      // On stop: stop accepting connections and wait (up to drainLimitMs) for requests in flight.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: drainLimitMs(config.upstream.deadlineMs) }),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      // No field has a cache hint, so the implicit cache-control plugin only ever answered
      // `cache-control: no-store`, at a cost on every field; the HTTP handler sends that header now.
      ApolloServerPluginCacheControlDisabled(),
      ...inlineTraceWhenAsked(),
      logUnexpectedErrors,
      refuseSubscriptions,
      ...limits.plugins,
      startFanOutLimit(config.maxStartsPerOperation),
      awsCallBudgetLimit({ maxCalls: config.maxAwsCallsPerRequest, maxRepresentations: config.maxEntityRepresentations }),
      operationSummaryPlugin,
    ],
  });
}
