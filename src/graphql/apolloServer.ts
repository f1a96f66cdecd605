import type { GraphQLSchema } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
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
import { shutdownRefusal } from './shutdownRefusal';
import { buildSchema } from './schema';
import { operationLimits } from './limits/operationLimits';
import { startFanOutLimit } from './limits/startFanOut';
import { awsCallBudgetLimit } from './limits/awsCallBudget';

export interface ApolloOptions {
  production: boolean;
  logger: Logger;
  /** What GET /graphql answers a browser outside production; Apollo Sandbox when not given. */
  landingPage?: ApolloServerPlugin;
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
  >;
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

export function createApolloServer({ production, logger, landingPage, schema, config }: ApolloOptions): ApolloServer<ContextValue> {
  const limits = operationLimits({ limits: config.limits, production });
  return new ApolloServer<ContextValue>({
    schema: schema ?? gatewaySchema(config),
    // Apollo's logger is per server: its rare lines about one request (a pipeline failure, an
    // operation during shutdown) carry no request id; that request's `graphql.request` line does.
    // Carrying it there would take AsyncLocalStorage, whose promise hooks cost every promise of
    // every request on Node 20.
    logger: logger.child({ component: 'apollo' }),
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: every request carries its full text through the same limits,
    // and a router in front is where a safelist of operations belongs (docs/security.md).
    persistedQueries: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // server.ts owns SIGTERM/SIGINT: readiness first, then drain, then exit 0.
    stopOnTerminationSignals: false,
    formatError,
    plugins: [
      // Shutdown is the HTTP layer's (src/http/drain.ts); this refuses what the drain cannot wait for.
      shutdownRefusal,
      production ? ApolloServerPluginLandingPageDisabled() : (landingPage ?? ApolloServerPluginLandingPageLocalDefault({ embed: true })),
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
