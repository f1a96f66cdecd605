import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '../observability/logger';
import type { ContextValue } from './context';
import { formatError, isUnexpected } from './errors';
import { inlineTraceWhenAsked } from './inlineTraceWhenAsked';
import { buildSchema } from './schema';

export interface ApolloOptions {
  production: boolean;
  logger: Logger;
  httpServer: Server;
}

/** Logs every undocumented failure in full, with the request's id (callers see it masked). */
const logUnexpectedErrors: ApolloServerPlugin<ContextValue> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue, operationName }) {
        for (const error of errors) {
          if (!isUnexpected(error)) continue;
          contextValue.logger.error(
            { err: unwrapResolverError(error), path: error.path, operationName },
            'unexpected failure',
          );
        }
      },
    };
  },
};

export function createApolloServer({ production, logger, httpServer }: ApolloOptions): ApolloServer<ContextValue> {
  return new ApolloServer<ContextValue>({
    schema: buildSchema(),
    logger: logger.child({ component: 'apollo' }),
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGTERM/SIGINT: readiness first, then drain, then exit 0.
    stopOnTerminationSignals: false,
    formatError,
    plugins: [
      // On stop: stop accepting connections and wait (up to 10 s) for requests in flight.
      ApolloServerPluginDrainHttpServer({ httpServer }),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      // No field has a cache hint, so the implicit cache-control plugin only ever answered
      // `cache-control: no-store`, at a cost on every field; the HTTP handler sends that header now.
      ApolloServerPluginCacheControlDisabled(),
      ...inlineTraceWhenAsked(),
      logUnexpectedErrors,
    ],
  });
}
