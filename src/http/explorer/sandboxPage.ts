import type { GraphQLServerContext } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/**
 * Apollo Sandbox, embedded, as Apollo's own landing page plugin renders it (each page with its own
 * CSP nonce). It loads from Apollo's CDN, so it works only where that is reachable. Served at
 * `/graphql?sandbox`: the embed sends its operations to the page's own URL, which is /graphql.
 */
export async function sandboxPage(): Promise<() => Promise<string>> {
  // The plugin's hooks use nothing of the server they are given.
  const listener = await ApolloServerPluginLandingPageLocalDefault({ embed: true }).serverWillStart?.({} as GraphQLServerContext);
  const page = await listener?.renderLandingPage?.();
  if (!page) throw new Error('Apollo landing page plugin rendered no page');
  const { html } = page;
  return typeof html === 'string' ? async () => html : html;
}
