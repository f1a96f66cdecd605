import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';

/** The header a federation router sends when it wants a trace of the subgraph's work. */
const TRACE_HEADER = 'apollo-federation-include-trace';

/**
 * Federated tracing (`extensions.ftv1`) exactly as Apollo's InlineTrace plugin does it, but only
 * on requests whose router asks for it: Apollo's own plugin (installed implicitly in a subgraph)
 * builds a trace tree for every request before it looks at the header, and loads its protobuf
 * code at start-up. Returns the plugins to install (the `Disabled` one stops the implicit one).
 */
export function inlineTraceWhenAsked(): ApolloServerPlugin[] {
  let tracing: ApolloServerPlugin | undefined;
  return [
    ApolloServerPluginInlineTraceDisabled(),
    {
      async requestDidStart(requestContext) {
        if (requestContext.request.http?.headers.get(TRACE_HEADER) !== 'ftv1') return undefined;
        if (!tracing) {
          const { ApolloServerPluginInlineTrace } = await import('@apollo/server/plugin/inlineTrace');
          tracing = ApolloServerPluginInlineTrace();
        }
        return tracing.requestDidStart?.(requestContext);
      },
    },
  ];
}
