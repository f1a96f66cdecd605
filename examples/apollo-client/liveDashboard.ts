/**
 * A live dashboard of campaign states (docs/frontend.md, "Live states"): subscriptions over
 * graphql-ws, everything else over HTTP, in one Apollo Client; and the board a UI renders from the
 * events. Copy this file and liveDashboard.graphql; `watchCampaigns` is what React's
 * `useSubscription(LiveCampaignStatesDocument, { variables: { ids } })` does for you.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Kind, OperationTypeNode } from 'graphql';
import { createClient, type ClientOptions } from 'graphql-ws';
import { LiveCampaignStatesDocument, type CampaignState, type LiveCampaignStatesSubscription } from './__generated__/graphql';
import generated from './__generated__/possibleTypes';

export interface LiveClientOptions {
  /** `https://…/graphql`: queries and mutations. */
  httpUri: string;
  /** `wss://…/graphql`: subscriptions (the same path, upgraded). */
  wsUri: string;
  /** The caller's current token; asked again on every (re)connection, so a refreshed token is used. */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Outside a browser (Node, tests): the WebSocket class (e.g. the `ws` package's). */
  webSocketImpl?: ClientOptions['webSocketImpl'];
}

/** One client, two links: subscriptions over graphql-ws, the rest over HTTP (the split link). */
export function createLiveClient({ httpUri, wsUri, getToken, webSocketImpl }: LiveClientOptions): ApolloClient {
  const authorization = async () => {
    const token = await getToken?.();
    return token ? `Bearer ${token}` : undefined;
  };
  const ws = new GraphQLWsLink(
    createClient({
      url: wsUri,
      webSocketImpl,
      connectionParams: async () => {
        const value = await authorization();
        return value ? { authorization: value } : {};
      },
      // 1012 (the replica restarts) and dropped connections are retried, with back-off, to another replica.
      retryAttempts: Infinity,
      // 4401: the token was refused or expired; `connectionParams` asks for a fresh one on the retry.
      shouldRetry: () => true,
    }),
  );
  const http = new HttpLink({ uri: httpUri, fetch: async (input, init) => {
    const value = await authorization();
    return fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...(value ? { authorization: value } : {}) } });
  } });
  const isSubscription = ({ query }: ApolloLink.Operation) => {
    const definition = getMainDefinition(query);
    return definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION;
  };
  return new ApolloClient({
    link: ApolloLink.split(isSubscription, ws, http),
    cache: new InMemoryCache({ possibleTypes: generated.possibleTypes }),
  });
}

/** One row of the board. */
export interface CampaignRow {
  id: string;
  state: CampaignState | null;
  /** When AWS reported it; older than the poll interval when the gateway's AWS read share is short. */
  asOf: Date;
}

type Change = LiveCampaignStatesSubscription['campaignStateChanged'];

/** The board after one event: events of a campaign come in order, so the latest one wins. */
export function applyChange(board: ReadonlyMap<string, CampaignRow>, change: Change): Map<string, CampaignRow> {
  const next = new Map(board);
  next.set(change.campaign.id, { id: change.campaign.id, state: change.state, asOf: new Date(change.stateAsOf) });
  return next;
}

/**
 * Watches `ids` (at most MAX_SUBSCRIPTION_IDS, 100 by default): `onBoard` gets the whole board after
 * each event, starting with each campaign's current state. Returns the function that stops watching.
 */
export function watchCampaigns(
  client: ApolloClient,
  ids: string[],
  onBoard: (board: ReadonlyMap<string, CampaignRow>) => void,
  onError: (error: unknown) => void = () => undefined,
): () => void {
  let board = new Map<string, CampaignRow>();
  const subscription = client.subscribe({ query: LiveCampaignStatesDocument, variables: { ids } }).subscribe({
    next: ({ data, error }) => {
      if (error) return onError(error);
      if (!data) return;
      board = applyChange(board, data.campaignStateChanged);
      onBoard(board);
    },
    error: onError,
  });
  return () => subscription.unsubscribe();
}
