import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

/** One `campaignStateChanged` event as a subscriber receives it. */
export interface StateEvent {
  id: string;
  previousState: string | null;
  state: string | null;
  stateAsOf: string;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface Subscriber {
  readonly transport: 'ws' | 'sse';
  readonly events: StateEvent[];
  /** GraphQL errors received (an `error` message, or `errors` in a `next`). */
  readonly errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** Resolves when the subscription ended: the WebSocket close code, or 'complete' / 'error' for SSE. */
  readonly ended: Promise<number | string>;
  /** The latest state received per campaign. */
  latest(): Map<string, string | null>;
  /** Resolves once `predicate` holds of the events (polled), or rejects after `timeoutMs`. */
  waitFor(predicate: (events: StateEvent[]) => boolean, timeoutMs: number, what?: string): Promise<void>;
  dispose(): void;
}

export const SUBSCRIPTION = `subscription Watch($ids: [ID!]!) {
  campaignStateChanged(ids: $ids) { campaign { id } previousState state stateAsOf }
}`;

export interface SubscribeOptions {
  /** `Bearer …` sent in connection_init (WebSocket) or the Authorization header (SSE). */
  authorization?: string;
  query?: string;
}

interface NextPayload {
  data?: { campaignStateChanged?: { campaign: { id: string }; previousState: string | null; state: string | null; stateAsOf: string } } | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

function subscriberState(transport: 'ws' | 'sse', ended: Promise<number | string>, dispose: () => void) {
  const events: StateEvent[] = [];
  const errors: Subscriber['errors'] = [];
  const onNext = (payload: NextPayload) => {
    const change = payload.data?.campaignStateChanged;
    if (change) events.push({ id: change.campaign.id, previousState: change.previousState, state: change.state, stateAsOf: change.stateAsOf, at: performance.now() });
    if (payload.errors) errors.push(...payload.errors);
  };
  const subscriber: Subscriber = {
    transport,
    events,
    errors,
    ended,
    latest: () => new Map(events.map((e) => [e.id, e.state])),
    async waitFor(predicate, timeoutMs, what = 'events') {
      const until = performance.now() + timeoutMs;
      while (!predicate(events)) {
        if (performance.now() > until) throw new Error(`${transport} subscriber: no ${what} within ${timeoutMs} ms (got ${JSON.stringify(events.slice(-5))}, errors ${JSON.stringify(errors)})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    dispose,
  };
  return { subscriber, onNext, errors };
}

/** A graphql-ws client (its own WebSocket) with one subscription. */
export function subscribeWs(url: string, ids: string[], { authorization, query = SUBSCRIPTION }: SubscribeOptions = {}): Subscriber {
  let resolveEnded: (value: number | string) => void = () => undefined;
  const ended = new Promise<number | string>((resolve) => (resolveEnded = resolve));
  const { subscriber, onNext, errors } = subscriberState('ws', ended, () => void client.dispose());
  const client: WsClient = createWsClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: authorization ? { authorization } : {},
    on: { closed: (event) => resolveEnded((event as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  client.subscribe(
    { query, variables: { ids } },
    {
      next: (payload) => onNext(payload as NextPayload),
      error: (err) => {
        if (Array.isArray(err)) errors.push(...(err as Subscriber['errors']));
      },
      complete: () => undefined,
    },
  );
  return subscriber;
}

/** A graphql-sse client (distinct connections: one HTTP stream) with one subscription. */
export function subscribeSse(url: string, ids: string[], { authorization, query = SUBSCRIPTION }: SubscribeOptions = {}): Subscriber {
  let resolveEnded: (value: number | string) => void = () => undefined;
  const ended = new Promise<number | string>((resolve) => (resolveEnded = resolve));
  const client = createSseClient({
    url,
    retryAttempts: 0,
    headers: authorization ? { authorization } : {},
  });
  const { subscriber, onNext, errors } = subscriberState('sse', ended, () => {
    unsubscribe();
    client.dispose();
  });
  const unsubscribe = client.subscribe(
    { query, variables: { ids } },
    {
      next: (payload) => onNext(payload as NextPayload),
      error: (err) => {
        errors.push({ message: err instanceof Error ? err.message : JSON.stringify(err) });
        resolveEnded('error');
      },
      complete: () => resolveEnded('complete'),
    },
  );
  return subscriber;
}
