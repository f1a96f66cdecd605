import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallRecorder } from './calls';
import { CONTROL_PREFIX, handleControl } from './control';
import { failureToError, type FailSpec, type Faults } from './faults';
import { campaignIdsOf, Operations, parseBody, resolveRoute, type ParsedBody, type Route } from './routes';
import type { MemoryCampaignStore } from './store';
import { ServiceError, validationError, writeError, writeOk } from './wire';

/** Larger bodies are refused: no operation here takes more than 25 ids. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HandlerDeps {
  store: MemoryCampaignStore;
  faults: Faults;
  recorder: CallRecorder;
}

export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Cancels answers still waiting on an injected delay (used when the server stops). */
  cancelPending(): void;
}

/**
 * The request pipeline: route, read body, record the call, decide faults, then (after any delay)
 * drop, fail or run the operation.
 *
 * SigV4 signatures are deliberately not verified: the emulator stands in for AWS on loopback with
 * fake credentials, and no header is interpreted except by Node's HTTP parser.
 */
export function createRequestHandler(deps: HandlerDeps): RequestHandler {
  const operations = new Operations(deps.store);
  const pending = new Set<NodeJS.Timeout>();

  function answer(route: Route, body: ParsedBody, res: ServerResponse, fail: FailSpec | undefined): void {
    if (res.destroyed || res.writableEnded) return;
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
    const plan = deps.faults.plan(route.operation);
    const proceed = (): void => {
      if (plan.drop) {
        // A connection reset as the client sees it: no status line, socket gone.
        req.socket.destroy();
        return;
      }
      answer(route, body, res, plan.fail);
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
