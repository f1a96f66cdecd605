import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallRecorder } from './calls';
import { CONTROL_PREFIX, handleControl } from './control';
import { failureToError, type DripSpec, type FailSpec, type Faults } from './faults';
import { campaignIdsOf, Operations, parseBody, resolveRoute, type ParsedBody, type Route } from './routes';
import type { MemoryCampaignStore } from './store';
import type { AccountThrottle } from './throttle';
import { ServiceError, validationError, writeError, writeOk } from './wire';

/** Larger bodies are refused: no operation here takes more than 25 ids. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HandlerDeps {
  store: MemoryCampaignStore;
  faults: Faults;
  recorder: CallRecorder;
  throttle: AccountThrottle;
}

export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Cancels answers still waiting on an injected delay (used when the server stops). */
  cancelPending(): void;
}

/**
 * The request pipeline: route, read body, record the call, the account's rate, decide faults, then (after any delay)
 * drop, fail or run the operation.
 *
 * SigV4 signatures are deliberately not verified: the emulator stands in for AWS on loopback with
 * fake credentials, and no header is interpreted except by Node's HTTP parser.
 */
export function createRequestHandler(deps: HandlerDeps): RequestHandler {
  const operations = new Operations(deps.store);
  const pending = new Set<NodeJS.Timeout>();

  /**
   * Makes `res` send its status line and headers at once and then its body (plus `padBytes` of
   * whitespace, counted in content-length) one byte every `intervalMs`, until done or the client goes.
   */
  function drip(res: ServerResponse, { intervalMs, padBytes }: DripSpec): void {
    const end = res.end.bind(res) as () => ServerResponse;
    const writeHead = res.writeHead.bind(res) as (status: number, headers: Record<string, string | number>) => ServerResponse;
    let length = 0;
    res.writeHead = ((status: number, headers: Record<string, string | number>) => {
      length = Number(headers['content-length'] ?? 0) + padBytes;
      writeHead(status, { ...headers, 'content-length': length });
      res.flushHeaders();
      return res;
    }) as ServerResponse['writeHead'];
    res.end = ((chunk?: Buffer) => {
      const bytes = Buffer.concat([chunk ?? Buffer.alloc(0), Buffer.alloc(padBytes, ' ')]);
      let sent = 0;
      const next = (): void => {
        if (res.destroyed) return;
        if (sent >= bytes.length) {
          end();
          return;
        }
        res.write(bytes.subarray(sent, ++sent));
        const timer = setTimeout(() => {
          pending.delete(timer);
          next();
        }, intervalMs);
        pending.add(timer);
      };
      next();
      return res;
    }) as ServerResponse['end'];
  }

  function answer(route: Route, body: ParsedBody, res: ServerResponse, fail: FailSpec | undefined, dripSpec?: DripSpec): void {
    if (res.destroyed || res.writableEnded) return;
    if (dripSpec) drip(res, dripSpec);
    try {
      if (fail) throw failureToError(fail, operations.stateOf(route));
      writeOk(res, operations.execute(route, body));
    } catch (error) {
      writeError(res, error instanceof ServiceError ? error : new ServiceError('InternalServerException', 'Internal service error'));
    }
  }

  function onBody(req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer): void {
    if (path.startsWith(CONTROL_PREFIX)) {
      handleControl(deps, req.method, path, raw, res);
      return;
    }
    const route = resolveRoute(req.method, path);
    if (!route) {
      // AWS answers an unmatched method/path with UnknownOperationException (unmodelled here: the SDK
      // surfaces it as ConnectCampaignsV2ServiceException with that name).
      writeError(res, new ServiceError('UnknownOperationException', `Unknown operation: ${req.method ?? ''} ${path}`, { status: 404 }));
      return;
    }
    const body = parseBody(raw);
    deps.recorder.record(route.operation, campaignIdsOf(route, body));
    // The account's rate comes first, as on AWS: a throttled call is answered at once and changes nothing.
    if (!deps.throttle.admit(route.operation)) {
      writeError(res, new ServiceError('ThrottlingException', 'Rate exceeded'));
      return;
    }
    const plan = deps.faults.plan(route.operation);
    const proceed = (): void => {
      if (plan.drop) {
        // A connection reset as the client sees it: no status line, socket gone.
        req.socket.destroy();
        return;
      }
      answer(route, body, res, plan.fail, plan.drip);
    };
    if (plan.delayMs <= 0) {
      proceed();
      return;
    }
    const timer = setTimeout(() => {
      pending.delete(timer);
      proceed();
    }, plan.delayMs);
    pending.add(timer);
  }

  const handler = ((req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) {
        res.shouldKeepAlive = false;
        writeError(res, validationError(`Request body larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      onBody(req, res, path, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    // A client that goes away mid-request only affects its own socket.
    req.on('error', () => undefined);
  }) as RequestHandler;

  handler.cancelPending = () => {
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
  };
  return handler;
}
