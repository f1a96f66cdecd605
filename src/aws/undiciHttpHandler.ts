/**
 * The SDK's HTTP handler on undici's connection pool instead of node:http. Every AWS call crosses
 * it, and node:http's client (agent queue, a ClientRequest and IncomingMessage per call, and the
 * SDK handler's four timers around them) cost about twice undici's CPU per call
 * (docs/decisions/0011-undici-for-aws-calls.md).
 */
import { EventEmitter } from 'node:events';
import { Agent, errors as undiciErrors } from 'undici';
import { HttpResponse, buildQueryString } from '@smithy/core/protocols';
import type { HttpHandlerOptions, HttpRequest, RequestHandlerOutput } from '@smithy/types';
import { notSent } from './attemptClassifier';

export interface UndiciHttpHandlerOptions {
  /** How long a new connection may take to be established (TCP and TLS), ms. */
  connectionTimeout?: number;
  /** Connections kept per origin: the SDK's Node handler keeps 50 too. */
  connections?: number;
}

/** A minimal abort signal, as the SDK's own handlers accept it: `aborted` and `onabort`. */
export interface MinimalAbortSignal {
  aborted: boolean;
  onabort: (() => void) | null;
}

/**
 * undici's network failures, in the shapes the SDK's retry classification and ours know: a
 * connection cut once the request may have left becomes ECONNRESET (as node:http's "socket hang
 * up"), a connection that never came up is marked not sent and named TimeoutError (retried).
 */
export function toNodeShape(err: unknown, connectionTimeout: number | undefined): unknown {
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return notSent(
      Object.assign(new Error(`no connection to AWS within ${connectionTimeout ?? '?'} ms`, { cause: err }), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
    );
  }
  if (err instanceof undiciErrors.SocketError) {
    return Object.assign(new Error(`socket hang up (${err.message})`, { cause: err }), { code: 'ECONNRESET' });
  }
  return err;
}

/**
 * An answer's body cut by the connection: the error reaches the SDK (which reads the body) after
 * this listener, the first one, has given it node:http's code for it (an ECONNRESET "aborted").
 */
function cutBodyAsReset(err: Error & { code?: unknown; undiciCode?: unknown }): void {
  if (err instanceof undiciErrors.SocketError) Object.assign(err, { undiciCode: err.code, code: 'ECONNRESET' });
}

/** What a request its caller aborted rejects with, as with the SDK's own handlers. */
function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

export class UndiciHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly agent: Agent;
  private readonly options: UndiciHttpHandlerOptions;

  constructor(options: UndiciHttpHandlerOptions = {}) {
    this.options = options;
    this.agent = new Agent({
      connections: options.connections ?? 50,
      ...(options.connectionTimeout !== undefined ? { connect: { timeout: options.connectionTimeout } } : {}),
    });
  }

  async handle(request: HttpRequest, { abortSignal }: HttpHandlerOptions = {}): Promise<RequestHandlerOutput<HttpResponse>> {
    // undici lets go of an aborted request only once it has a connection (an aborted one still
    // connects, a queued one waits for its turn): the caller is answered at once here instead.
    if (abortSignal?.aborted) throw abortError();
    let signal: EventEmitter | undefined;
    let aborted: Promise<never> | undefined;
    let stopListening: (() => void) | undefined;
    if (abortSignal) {
      // undici's other documented signal, an EventEmitter: an AbortController costs about 10 µs
      // per request on Node 20 (docs/decisions/0011-undici-for-aws-calls.md).
      const emitter = new EventEmitter();
      signal = emitter;
      aborted = new Promise<never>((_resolve, reject) => {
        const onAbort = () => {
          emitter.emit('abort');
          reject(abortError());
        };
        const real = abortSignal as AbortSignal;
        if (typeof real.addEventListener === 'function') {
          real.addEventListener('abort', onAbort, { once: true });
          stopListening = () => real.removeEventListener('abort', onAbort);
        } else (abortSignal as MinimalAbortSignal).onabort = onAbort;
      });
    }
    const query = request.query ? buildQueryString(request.query) : '';
    const port = request.port ? `:${request.port}` : '';
    try {
      const sent = this.agent.request({
        origin: `${request.protocol}//${request.hostname}${port}`,
        path: query ? `${request.path}?${query}` : request.path,
        method: request.method as 'POST',
        headers: request.headers,
        body: request.body as string | Uint8Array | undefined,
        signal,
      });
      const answer = await (aborted ? Promise.race([sent, aborted]) : sent);
      const headers: Record<string, string> = {};
      for (const name in answer.headers) {
        const value = answer.headers[name];
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      answer.body.once('error', cutBodyAsReset);
      // A caller's own AbortSignal may outlive the call: its listener goes with the answer.
      if (stopListening) answer.body.once('close', stopListening);
      return { response: new HttpResponse({ statusCode: answer.statusCode, headers, body: answer.body }) };
    } catch (err) {
      stopListening?.();
      throw toNodeShape(err, this.options.connectionTimeout);
    }
  }

  updateHttpClientConfig(): void {
    // Nothing the SDK may set here (its logger, a default socket timeout) applies to this handler.
  }

  httpHandlerConfigs(): UndiciHttpHandlerOptions {
    return this.options;
  }

  destroy(): void {
    void this.agent.destroy();
  }
}
