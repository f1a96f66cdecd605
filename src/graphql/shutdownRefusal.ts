import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { ContextValue } from './context';

/** `extensions.code` of an operation refused because the process is shutting down. */
export const SHUTTING_DOWN = 'SHUTTING_DOWN';

/**
 * Refuses, once its operation is known and before anything runs (so before any AWS call), a
 * request the drain cannot wait for: 503, `retry-after`, and the connection closed, so that the
 * caller sends it again and reaches another replica. Its actions are audited as refused, like
 * every operation refused before it ran (startFanOut.ts).
 */
export const shutdownRefusal: ApolloServerPlugin<ContextValue> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue }) {
        if (!contextValue.shutdownRefuses()) return;
        // A plain record, as in errors.ts: Apollo reads `http.headers` as a HeaderMap.
        const extensions: Record<string, unknown> = {
          code: SHUTTING_DOWN,
          http: { status: 503, headers: new HeaderMap([['retry-after', '1'], ['connection', 'close']]) },
        };
        throw new GraphQLError('This gateway instance is shutting down and did not run the operation; nothing was sent to AWS. Send it again.', {
          extensions,
        });
      },
    };
  },
};
