import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import { createHandler as createSseHandler } from 'graphql-sse';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ContextValue, Principal } from '../graphql/context';
import type { Logger } from '../observability/logger';
import { BodyTimeoutError, BodyTooLargeError, readBody } from './readBody';
import { sendJson } from './sendJson';

// graphql-ws publishes its `ws` server under a package `exports` subpath, which this project's
// module resolution (node10) does not read for types; Node reads it at run time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { useServer } = require('graphql-ws/use/ws') as typeof import('graphql-ws/dist/use/ws');

/**
 * WebSocket close codes of graphql-ws connections (documented in docs/subscriptions.md):
 * the protocol's own (4400 bad request, 4408 no connection_init in time, 4409, 4429, ...) and these.
 */
export const CLOSE_CODES = {
  /** No token, a token that is not valid, or one that has just expired: reconnect with a fresh one. */
  unauthorized: 4401,
  /** The identity provider's key set cannot be fetched right now: retry later with the same token. */
  tryAgainLater: 1013,
  /** The replica is shutting down (SIGTERM): reconnect, and another replica serves. */
  serviceRestart: 1012,
} as const;

export interface SubscriptionTransportOptions {
  httpServer: Server;
  /** The very schema Apollo Server serves. */
  schema: GraphQLSchema;
  production: boolean;
  /** The operation limits Apollo Server validates with (depth, aliases, cost, ...) and its parse limit. */
  validationRules: readonly ValidationRule[];
  parseOptions: ParseOptions;
  /** WebSocket ping interval (a client that does not answer within another interval is dropped). */
  keepAliveMs: number;
  maxSubscriptionsPerConnection: number;
  /** Largest WebSocket message and SSE request body, and how long an SSE body may take. */
  bodyLimitBytes: number;
  bodyTimeoutMs: number;
  /**
   * Who is calling, from an Authorization value (`Bearer …`). Throws a GraphQLError carrying
   * `extensions.http.status` (401, 503) to refuse, as for a plain request. `log` gives the logger a
   * refusal is written to.
   */
  authenticate(authorization: string | undefined, log: () => Logger): Promise<Principal>;
  /** The context of one subscription (its `startEvent` renews budget, deadline and loaders per event). */
  context(principal: Principal, request: IncomingMessage): ContextValue;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  logger: Logger;
}

export interface SubscriptionTransports {
  /** Whether a request to /graphql asks for GraphQL over Server-Sent Events. */
  wantsEventStream(req: IncomingMessage): boolean;
  handleEventStream(req: IncomingMessage, res: ServerResponse, logger: Logger): Promise<void>;
  /**
   * Closes every WebSocket with 1012 (Service Restart) and ends every event stream, so their
   * clients reconnect to another replica; upgrades are refused from now on.
   */
  close(): Promise<void>;
}

/** How long closing WebSockets may take before the ones still open are cut. */
const CLOSE_WAIT_MS = 1000;
/** Apollo Server's CSRF rule: a request a browser sends without preflight needs one of these headers. */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

function statusOf(err: unknown): number | undefined {
  return ((err as GraphQLError).extensions?.['http'] as { status?: number } | undefined)?.status;
}

/** graphql-ws and GraphQL over SSE on the HTTP server of Apollo Server, for subscriptions only. */
export function createSubscriptionTransports(options: SubscriptionTransportOptions): SubscriptionTransports {
  const { schema, production, logger } = options;
  const rules = [...specifiedRules, ...options.validationRules, ...(production ? [NoSchemaIntrospectionCustomRule] : [])];
  let closing = false;

  /** Formats errors as Apollo Server does (masking the unexpected); in production without "Did you mean" hints. */
  const format = (error: GraphQLError, code?: string): GraphQLFormattedError => {
    const formatted = options.formatError(error.toJSON(), error);
    const message = production ? formatted.message.replace(/ Did you mean .+\?$/, '') : formatted.message;
    return { ...formatted, message, extensions: { ...(code ? { code } : {}), ...formatted.extensions } };
  };
  // Errors the gateway refused with are formatted already.
  const formatResult = (result: ExecutionResult) =>
    result.errors ? { ...result, errors: result.errors.map((e) => (e instanceof GraphQLError ? format(e) : e)) } : result;

  /** Parses and validates a subscription as Apollo Server would a query; anything else is refused. */
  function prepare(query: unknown, operationName: string | null | undefined): { document: DocumentNode } | GraphQLFormattedError[] {
    if (typeof query !== 'string') return [format(new GraphQLError('The operation must be a string (`query`).'), 'BAD_REQUEST')];
    let document: DocumentNode;
    try {
      document = parse(query, options.parseOptions);
    } catch (err) {
      return [format(err instanceof GraphQLError ? err : new GraphQLError(String(err)), 'GRAPHQL_PARSE_FAILED')];
    }
    const errors = validate(schema, document, rules);
    if (errors.length > 0) return errors.map((e) => format(e, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, operationName);
    if (!operation) return [format(new GraphQLError('The operation to run could not be determined (operationName).'), 'BAD_REQUEST')];
    if (operation.operation !== 'subscription') {
      return [format(new GraphQLError('Only subscriptions are served over WebSocket and event streams: send queries and mutations as POST /graphql.'), 'BAD_REQUEST')];
    }
    return { document };
  }

  // ---- graphql-ws (the graphql-transport-ws protocol), on the upgrade of /graphql
  type Extra = {
    socket: WebSocket;
    request: IncomingMessage;
    principal?: Principal;
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.bodyLimitBytes });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/graphql' || closing) {
      const status = closing ? '503 Service Unavailable' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.httpServer.on('upgrade', onUpgrade);
  useServer<Record<string, unknown>, Extra>(
    {
      schema,
      // The protocol's 3 s default is short for a replica taking over many reconnecting clients at once.
      connectionInitWaitTimeout: 10_000,
      async onConnect(ctx) {
        // connection_init's payload; else the upgrade request's header (what a router in front forwards).
        const params = ctx.connectionParams ?? {};
        const given = params['authorization'] ?? params['Authorization'] ?? ctx.extra.request.headers.authorization;
        const { socket } = ctx.extra;
        try {
          ctx.extra.principal = await options.authenticate(typeof given === 'string' ? given : undefined, () => logger);
        } catch (err) {
          const unavailable = statusOf(err) === 503;
          socket.close(unavailable ? CLOSE_CODES.tryAgainLater : CLOSE_CODES.unauthorized, unavailable ? 'Try again later: tokens cannot be verified' : 'Unauthorized');
          return false;
        }
        const { expiresAt } = ctx.extra.principal;
        if (expiresAt !== undefined) {
          const timer = setTimeout(() => socket.close(CLOSE_CODES.unauthorized, 'Unauthorized: the token has expired'), Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1));
          socket.once('close', () => clearTimeout(timer));
        }
        return true;
      },
      onSubscribe(ctx, _id, payload) {
        // The subscription being asked for is already counted.
        if (Object.keys(ctx.subscriptions).length > options.maxSubscriptionsPerConnection) {
          const message = `A connection may hold at most ${options.maxSubscriptionsPerConnection} subscriptions (MAX_SUBSCRIPTIONS_PER_CONNECTION).`;
          return [new GraphQLError(message, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: options.maxSubscriptionsPerConnection } })];
        }
        const prepared = prepare(payload.query, payload.operationName);
        if (Array.isArray(prepared)) return prepared.map((e) => new GraphQLError(e.message, { extensions: e.extensions }));
        const args: ExecutionArgs = {
          schema,
          document: prepared.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.context(ctx.extra.principal as Principal, ctx.extra.request),
        };
        return args;
      },
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => format(e)),
    },
    wss,
    options.keepAliveMs,
  );

  // ---- GraphQL over Server-Sent Events (graphql-sse), distinct connections mode
  const principals = new WeakMap<IncomingMessage, Principal>();
  const sse = createSseHandler<IncomingMessage, { res: ServerResponse }>({
    schema,
    // No stream reservations (single connection mode): every request is its own stream.
    authenticate: () => undefined,
    // Validated in onSubscribe with the gateway's rules.
    validate: () => [],
    onSubscribe(req, params) {
      const prepared = prepare(params.query, params.operationName);
      // Sent on the stream (a `next` with the errors, then `complete`), as graphql-sse does for validation errors.
      if (Array.isArray(prepared)) return { data: null, errors: prepared as unknown as GraphQLError[] };
      return {
        schema,
        document: prepared.document,
        operationName: params.operationName,
        variableValues: params.variables,
        // graphql-sse types its context as a plain record; this is the resolvers' ContextValue.
        contextValue: options.context(principals.get(req.raw) as Principal, req.raw) as never,
      };
    },
    // Formatted errors (plain objects), as graphql-ws sends them.
    onNext: (_ctx, _req, result) => formatResult(result as ExecutionResult) as ExecutionResult,
  });
  const streams = new Set<AsyncGenerator<string, void, undefined>>();

  return {
    wantsEventStream: (req) => (req.headers.accept ?? '').includes('text/event-stream'),

    async handleEventStream(req, res, requestLogger) {
      let principal: Principal;
      try {
        principal = await options.authenticate(req.headers.authorization, () => requestLogger);
      } catch (err) {
        const refusal = err instanceof GraphQLError ? err : new GraphQLError('Internal server error');
        const http = refusal.extensions['http'] as { status?: number; headers?: Iterable<[string, string]> } | undefined;
        const headers = Object.fromEntries(http?.headers ?? []);
        return sendJson(res, http?.status ?? 401, { errors: [{ message: refusal.message, extensions: { code: refusal.extensions['code'] } }] }, headers);
      }
      // Apollo Server's CSRF prevention, unchanged: a request a browser could send cross-site without preflight is refused.
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const simple = req.method === 'GET' || contentType === '' || SIMPLE_CONTENT_TYPES.has(contentType);
      if (simple && !PREFLIGHT_HEADERS.some((name) => req.headers[name] !== undefined)) {
        return sendJson(res, 400, {
          errors: [{ message: `This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Send it as a POST with 'content-type: application/json', or with a non-empty '${PREFLIGHT_HEADERS[0]}' or '${PREFLIGHT_HEADERS[1]}' header.`, extensions: { code: 'BAD_REQUEST' } }],
        });
      }
      if (closing) return sendJson(res, 503, { errors: [{ message: 'Shutting down: reconnect.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      let body: string | null = null;
      if (req.method === 'POST') {
        try {
          body = await readBody(req, options.bodyLimitBytes, options.bodyTimeoutMs);
        } catch (err) {
          if (err instanceof BodyTooLargeError) return sendJson(res, 413, { errors: [{ message: `Request body is larger than ${options.bodyLimitBytes} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }, { connection: 'close' });
          if (err instanceof BodyTimeoutError) return req.destroyed ? undefined : sendJson(res, 408, { errors: [{ message: 'Request body did not arrive in time.', extensions: { code: 'REQUEST_TIMEOUT' } }] }, { connection: 'close' });
          throw err;
        }
      }
      principals.set(req, principal);
      const [stream, init] = await sse({
        method: req.method ?? 'GET',
        url: req.url ?? '/graphql',
        headers: {
          // graphql-sse streams only for exactly this value.
          get: (name) => (name === 'accept' ? 'text/event-stream' : ([] as string[]).concat(req.headers[name] ?? []).join('\n') || undefined),
        },
        body,
        raw: req,
        context: { res },
      });
      res.writeHead(init.status ?? 200, init.statusText, { 'cache-control': 'no-store', ...init.headers });
      if (stream === null || typeof stream === 'string') {
        res.end(stream ?? undefined);
        return;
      }
      // Written as the client reads: a slow client holds the iteration (and its feed coalesces).
      streams.add(stream);
      const stop = () => void stream.return(undefined);
      res.once('close', stop);
      try {
        for await (const chunk of stream) {
          if (!res.writable) break;
          const failed = await new Promise<boolean>((resolve) => res.write(chunk, (err) => resolve(err != null)));
          if (failed) break;
        }
      } finally {
        res.off('close', stop);
        streams.delete(stream);
        void stream.return(undefined);
        if (!res.writableEnded) res.end();
      }
    },

    async close() {
      closing = true;
      for (const stream of streams) void stream.return(undefined);
      const sockets = [...wss.clients];
      for (const socket of sockets) socket.close(CLOSE_CODES.serviceRestart, 'Service restart: reconnect');
      const deadline = Date.now() + CLOSE_WAIT_MS;
      while (sockets.some((s) => s.readyState !== s.CLOSED) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      for (const socket of sockets) if (socket.readyState !== socket.CLOSED) socket.terminate();
      options.httpServer.off('upgrade', onUpgrade);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
