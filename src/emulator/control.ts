import type { ServerResponse } from 'node:http';
import type { CallRecorder } from './calls';
import type { Faults, FailSpec } from './faults';
import type { MemoryCampaignStore } from './store';
import type { AccountThrottle, ThrottleSpec } from './throttle';
import type { EmulatorCampaign, OperationName } from './types';

/**
 * Control API under /__emulator/ (a prefix AWS never uses), so another process (benchmark, load
 * test) can steer the emulator. Plain JSON, no AWS envelope; control calls are not recorded.
 *
 *   GET    /__emulator/health     -> {ok:true}
 *   GET    /__emulator/calls      -> {calls, counts, total}
 *   DELETE /__emulator/calls      -> forget recorded calls
 *   POST   /__emulator/faults     {action:'failNext', operation, times, error}
 *                                 {action:'delay', operation, ms, times?}
 *                                 {action:'dropNext', operation, times}
 *                                 {action:'dripNext', operation, times, intervalMs?, padBytes?}
 *                                 {action:'clear'}
 *   GET    /__emulator/throttle   -> {limit: {callsPerSecond, burst} | null, throttled: {op: n}, total}
 *   POST   /__emulator/throttle   {callsPerSecond, burst} (the account's rate; the bucket starts full)
 *                                 {off: true} (no throttling)
 *   POST   /__emulator/reset      -> store back to seed, calls, faults and throttle counts cleared (the rate stays)
 *   GET    /__emulator/campaigns  -> {campaigns} (with emulator-only `state`)
 *   POST   /__emulator/campaigns  {id, ...partial campaign} -> {campaign} (insert or merge; `state` may
 *                                 also be one AWS may add later, any PascalCase word such as "Archived")
 */
export const CONTROL_PREFIX = '/__emulator/';

export interface ControlDeps {
  store: MemoryCampaignStore;
  faults: Faults;
  recorder: CallRecorder;
  throttle: AccountThrottle;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

function readObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ControlError(400, 'body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ControlError(400, 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function applyFault(faults: Faults, args: Record<string, unknown>): void {
  // The Faults methods validate their arguments at runtime; the casts only satisfy the compiler.
  const operation = args['operation'] as OperationName;
  switch (args['action']) {
    case 'failNext':
      faults.failNext(operation, args['times'] as number, args['error'] as FailSpec);
      return;
    case 'delay':
      faults.delay(args['operation'] as OperationName | '*', args['ms'] as number, (args['times'] ?? undefined) as number | undefined);
      return;
    case 'dropNext':
      faults.dropNext(operation, args['times'] as number);
      return;
    case 'dripNext':
      faults.dripNext(operation, args['times'] as number, {
        ...(args['intervalMs'] !== undefined ? { intervalMs: args['intervalMs'] as number } : {}),
        ...(args['padBytes'] !== undefined ? { padBytes: args['padBytes'] as number } : {}),
      });
      return;
    case 'clear':
      faults.clear();
      return;
    default:
      throw new ControlError(400, `unknown action: ${String(args['action'])}`);
  }
}

export function handleControl(deps: ControlDeps, method: string | undefined, path: string, body: Buffer, res: ServerResponse): void {
  try {
    const route = `${method ?? ''} ${path.slice(CONTROL_PREFIX.length)}`;
    switch (route) {
      case 'GET health':
        return send(res, 200, { ok: true });
      case 'GET calls':
        return send(res, 200, {
          calls: deps.recorder.calls,
          counts: deps.recorder.countsByOperation(),
          total: deps.recorder.count(),
        });
      case 'DELETE calls':
        deps.recorder.reset();
        return send(res, 200, { ok: true });
      case 'POST faults':
        applyFault(deps.faults, readObject(body));
        return send(res, 200, { ok: true });
      case 'GET throttle':
        return send(res, 200, deps.throttle.state());
      case 'POST throttle': {
        const input = readObject(body);
        deps.throttle.set(input['off'] === true ? null : (input as unknown as ThrottleSpec));
        return send(res, 200, deps.throttle.state());
      }
      case 'POST reset':
        deps.store.reset();
        deps.recorder.reset();
        deps.faults.clear();
        deps.throttle.reset();
        return send(res, 200, { ok: true });
      case 'GET campaigns':
        return send(res, 200, { campaigns: deps.store.list() });
      case 'POST campaigns': {
        const input = readObject(body);
        if (typeof input['id'] !== 'string') throw new ControlError(400, 'id must be a string');
        const campaign = deps.store.put(input as Partial<EmulatorCampaign> & { id: string });
        return send(res, 200, { campaign });
      }
      default:
        throw new ControlError(404, `no control route ${route}`);
    }
  } catch (error) {
    if (error instanceof ControlError) return send(res, error.status, { error: error.message });
    // TypeErrors come from argument validation in Faults and the store.
    if (error instanceof TypeError) return send(res, 400, { error: error.message });
    return send(res, 500, { error: error instanceof Error ? error.message : String(error) });
  }
}
