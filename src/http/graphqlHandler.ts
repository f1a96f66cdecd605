import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { ContextValue } from '../graphql/context';
import type { RequestScope } from '../observability/requestScope';
import { BodyTooLargeError, readBody } from './readBody';

export interface GraphqlHandlerOptions {
  apollo: ApolloServer<ContextValue>;
  bodyLimitBytes: number;
  /** Builds the per-request context (caller, loaders, logger) once Apollo asks for it. */
  context(req: IncomingMessage, scope: RequestScope): Promise<ContextValue>;
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...(status === 413 ? { connection: 'close' } : {}) });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/**
 * Apollo Server on node:http, without a framework in between: the body is capped and parsed
 * here, everything else (CSRF prevention, GET/POST rules, content negotiation) is Apollo's.
 */
export function createGraphqlHandler({ apollo, bodyLimitBytes, context }: GraphqlHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse, search: string, scope: RequestScope): Promise<void> => {
    let body: unknown;
    if (req.method === 'POST') {
      let raw: string;
      try {
        raw = await readBody(req, bodyLimitBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${bodyLimitBytes} bytes.`);
        }
        throw err;
      }
      if (/^application\/(?:graphql-response\+)?json\b/i.test(req.headers['content-type'] ?? '')) {
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
      context: () => context(req, scope),
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
