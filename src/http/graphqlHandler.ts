import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { ContextValue, Principal } from '../graphql/context';
import type { RequestScope } from '../observability/requestScope';
import { BodyTimeoutError, BodyTooLargeError, readBody } from './readBody';
import { sendJson } from './sendJson';

export interface GraphqlHandlerOptions {
  apollo: ApolloServer<ContextValue>;
  bodyLimitBytes: number;
  /** How long the body may take to arrive once the headers are in. */
  bodyTimeoutMs: number;
  /**
   * Who is calling, from the headers alone; runs before the body is read, so an unauthenticated
   * caller never gets a byte buffered. Throws a GraphQLError carrying `extensions.http` to refuse.
   */
  authenticate(req: IncomingMessage, scope: RequestScope): Promise<Principal>;
  /** Builds the per-request context (caller, loaders, logger) once Apollo asks for it. */
  context(req: IncomingMessage, scope: RequestScope, principal: Principal): Promise<ContextValue>;
}

/** Bodies parsed here; any other body goes to Apollo as text, and Apollo's rules answer it. */
const JSON_CONTENT_TYPE = /^application\/(?:graphql-response\+)?json\b/i;

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

/** A refusal before the body was read: the connection closes, so the unread body is never taken in. */
function sendRefusal(req: IncomingMessage, res: ServerResponse, err: GraphQLError): void {
  const http = err.extensions['http'] as { status?: number; headers?: HeaderMap } | undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of http?.headers ?? []) headers[name] = value;
  if (req.method === 'POST' && !req.complete) headers['connection'] = 'close';
  sendError(res, http?.status ?? 400, String(err.extensions['code'] ?? 'BAD_REQUEST'), err.message, headers);
}

/**
 * Apollo Server on node:http, without a framework in between: the caller is authenticated and
 * the body capped (size and time) and parsed here, everything else (CSRF prevention, GET/POST
 * rules, content negotiation) is Apollo's.
 */
export function createGraphqlHandler({ apollo, bodyLimitBytes, bodyTimeoutMs, authenticate, context }: GraphqlHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse, search: string, scope: RequestScope): Promise<void> => {
    // A request with a body is authenticated before it is read. A GET has none, and Apollo may
    // answer it with the landing page, which needs no caller: it is authenticated in the context.
    let principal: Principal | undefined;
    if (req.method !== 'GET') {
      try {
        principal = await authenticate(req, scope);
      } catch (err) {
        if (err instanceof GraphQLError) return sendRefusal(req, res, err);
        throw err;
      }
    }
    let body: unknown;
    if (req.method === 'POST') {
      let raw: string;
      try {
        raw = await readBody(req, bodyLimitBytes, bodyTimeoutMs);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${bodyLimitBytes} bytes.`, { connection: 'close' });
        }
        if (err instanceof BodyTimeoutError) {
          if (req.destroyed) return;
          return sendError(res, 408, 'REQUEST_TIMEOUT', `Request body did not arrive within ${bodyTimeoutMs} ms.`, { connection: 'close' });
        }
        throw err;
      }
      if (JSON_CONTENT_TYPE.test(req.headers['content-type'] ?? '')) {
        try {
          body = JSON.parse(raw);
        } catch {
          return sendError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON.');
        }
      } else {
        body = raw;
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body },
      context: async () => context(req, scope, principal ?? (await authenticate(req, scope))),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    // What Apollo's cache-control plugin answered for every operation here (nothing is cacheable).
    if (!response.headers.has('cache-control')) res.setHeader('cache-control', 'no-store');
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
