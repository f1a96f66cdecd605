/**
 * Reads shared by all the requests of one gateway process, under their DataLoaders and inside the
 * AWS boundary (campaignsClient.ts sends every read through here):
 *
 * - the same read in flight for several requests is one AWS call: campaign states per id (a
 *   GetCampaignStateBatch asks only for the ids no other call is already fetching), descriptions
 *   per id, list pages per token, filter and page size;
 * - a successful answer is reused for `maxAgeMs` (READ_CACHE_MAX_AGE_MS), at most `maxEntries`
 *   of them (READ_CACHE_MAX_ENTRIES, least recently used dropped first); failures never are;
 * - the gateway's own lifecycle actions forget the campaign's state and description, and an answer
 *   already in flight then is handed to those waiting on it but not kept.
 *
 * Every request uses the process's one AWS identity, so an answer fetched for one may serve any other.
 */
import {
  DescribeCampaignCommand,
  GetCampaignStateBatchCommand,
  ListCampaignsCommand,
  type FailedCampaignStateResponse,
  type GetCampaignStateBatchCommandOutput,
  type SuccessfulCampaignStateResponse,
} from '@aws-sdk/client-connectcampaignsv2';
import { LRUCache } from 'lru-cache';
import type { TokenRequest } from './quota';

/** A command as far as this module needs it (an SDK command of this service). */
interface Command {
  readonly input: object;
}

/** How one request reaches AWS itself, as the boundary provides it. */
export interface RequestSide {
  /**
   * Sends the command as this request's own AWS call: its budget, deadline, token, breaker and
   * attempts. `token`: how the call asks the governor for its token (default: the request's read
   * priority, waiting until the deadline).
   */
  call(command: Command, token?: TokenRequest): Promise<unknown>;
  /** Whether a failure of `call` was this request's own (budget spent, deadline passed), not AWS's answer. */
  ownFailure(err: unknown): boolean;
  /** `shared`, or this request's deadline failure if that comes first. */
  wait<T>(shared: Promise<T>, operation: string): Promise<T>;
}

export interface SharedReadsOptions {
  /** How long a successful answer is reused; 0 turns the whole layer off (no sharing in flight either). */
  maxAgeMs: number;
  /** Most answers kept (per id for states and descriptions, per page for lists). */
  maxEntries: number;
}

export interface SharedReads {
  /** The command's output, shared or fresh; `undefined` when the command is not a shared read. */
  send(command: Command, side: RequestSide): Promise<unknown> | undefined;
  /** Forgets what is known of one campaign (state and description), after the gateway changed it. */
  forgetCampaign(id: string): void;
  /** Answers kept right now (for tests and metrics). */
  readonly size: number;
}

/** One id's row of a GetCampaignStateBatch answer; undefined when the answer had none for it. */
type StateRow = { ok: SuccessfulCampaignStateResponse } | { failed: FailedCampaignStateResponse } | undefined;

/**
 * A call another request leads failed for its own reasons (`RequestSide.ownFailure`: its budget,
 * its deadline), which say nothing about AWS: those waiting on it ask again rather than fail with it.
 */
class LeaderFailure {
  constructor(readonly error: unknown) {}
}

export function createSharedReads({ maxAgeMs, maxEntries }: SharedReadsOptions): SharedReads | undefined {
  if (maxAgeMs <= 0) return undefined;
  const answers = new LRUCache<string, { value: unknown }>({ max: maxEntries, ttl: maxAgeMs });
  /** Calls in flight, by the same keys; an entry removed early (forgotten) is not kept when it lands. */
  const inFlight = new Map<string, Promise<unknown>>();

  /** Runs `fetch` for `key` unless it is kept or in flight; the answer is kept only if still current. */
  function shared<T>(key: string, side: RequestSide, operation: string, fetch: () => Promise<T>, keep: (value: T) => boolean): Promise<T> {
    const known = answers.get(key);
    if (known) return Promise.resolve(known.value as T);
    const running = inFlight.get(key) as Promise<T> | undefined;
    if (running) return joined(running, side, operation, () => shared(key, side, operation, fetch, keep));
    const flight = lead(fetch(), side);
    track(key, flight, keep);
    return unwrap(flight);
  }

  /** Marks `flight` as in flight for `key`; when it lands, its answer is kept only if still current and `keep` says so. */
  function track<T>(key: string, flight: Promise<T>, keep: (value: T) => boolean): void {
    inFlight.set(key, flight);
    flight.then(
      (value) => {
        if (inFlight.get(key) !== flight) return;
        inFlight.delete(key);
        if (keep(value)) answers.set(key, { value });
      },
      () => {
        if (inFlight.get(key) === flight) inFlight.delete(key);
      },
    );
  }

  function states(command: GetCampaignStateBatchCommand, side: RequestSide): Promise<GetCampaignStateBatchCommandOutput> {
    const ids = [...new Set(command.input.campaignIds ?? [])];
    const rows = new Map<string, Promise<StateRow>>();
    const missing: string[] = [];
    for (const id of ids) {
      const key = `state|${id}`;
      const known = answers.get(key);
      if (known) rows.set(id, Promise.resolve(known.value as StateRow));
      else if (inFlight.has(key)) {
        const running = inFlight.get(key) as Promise<StateRow>;
        rows.set(id, joined(running, side, 'GetCampaignStateBatch', () => oneState(id, side)));
      } else missing.push(id);
    }
    let batch: Promise<GetCampaignStateBatchCommandOutput> | undefined;
    if (missing.length > 0) {
      batch = lead(
        side.call(new GetCampaignStateBatchCommand({ ...command.input, campaignIds: missing })) as Promise<GetCampaignStateBatchCommandOutput>,
        side,
      );
      for (const id of missing) {
        const key = `state|${id}`;
        const row = batch.then((output) => rowOf(output, id));
        track(key, row, (value) => value !== undefined && 'ok' in value);
        rows.set(id, unwrap(row));
      }
    }
    const own = batch ? unwrap(batch) : undefined;
    return Promise.all([own, ...ids.map((id) => rows.get(id) as Promise<StateRow>)]).then(([mine, ...found]) => {
      // The $metadata of this request's own call, if it made one.
      const output: GetCampaignStateBatchCommandOutput = { $metadata: mine?.$metadata ?? {}, successfulRequests: [], failedRequests: [] };
      for (const row of found as StateRow[]) {
        if (row === undefined) continue;
        if ('ok' in row) output.successfulRequests?.push(row.ok);
        else output.failedRequests?.push(row.failed);
      }
      return output;
    });
  }

  /** One id asked again, alone, after the call it waited on failed for its leader's own reasons. */
  function oneState(id: string, side: RequestSide): Promise<StateRow> {
    return states(new GetCampaignStateBatchCommand({ campaignIds: [id] }), side).then(
      (output) =>
        (output.successfulRequests?.[0] && { ok: output.successfulRequests[0] }) ??
        (output.failedRequests?.[0] && { failed: output.failedRequests[0] }),
    );
  }

  return {
    send(command, side) {
      if (command instanceof GetCampaignStateBatchCommand) return states(command, side);
      if (command instanceof DescribeCampaignCommand) {
        const { id } = command.input;
        return shared(`describe|${id}`, side, 'DescribeCampaign', () => side.call(command), () => true);
      }
      if (command instanceof ListCampaignsCommand) {
        const { maxResults, nextToken, filters } = command.input;
        const key = `list|${JSON.stringify([maxResults ?? null, nextToken ?? null, filters ?? null])}`;
        return shared(key, side, 'ListCampaigns', () => side.call(command), () => true);
      }
      return undefined;
    },
    forgetCampaign(id) {
      for (const key of [`state|${id}`, `describe|${id}`]) {
        answers.delete(key);
        inFlight.delete(key);
      }
    },
    get size() {
      return answers.size;
    },
  };
}

function rowOf(output: GetCampaignStateBatchCommandOutput, id: string): StateRow {
  const ok = output.successfulRequests?.find((r) => r.campaignId === id);
  if (ok) return { ok };
  const failed = output.failedRequests?.find((r) => r.campaignId === id);
  return failed ? { failed } : undefined;
}

/** The leader's call, with its own failures marked so that those who joined it ask again. */
function lead<T>(call: Promise<T>, side: RequestSide): Promise<T> {
  return call.catch((err: unknown) => {
    throw side.ownFailure(err) ? new LeaderFailure(err) : err;
  });
}

/** What the leader itself sees: its failure as it was. */
function unwrap<T>(flight: Promise<T>): Promise<T> {
  return flight.catch((err: unknown) => {
    throw err instanceof LeaderFailure ? err.error : err;
  });
}

/** A joiner's view of another request's call: bounded by its own deadline; asks again if the leader's failure was the leader's own. */
function joined<T>(running: Promise<T>, side: RequestSide, operation: string, again: () => Promise<T>): Promise<T> {
  return side.wait(running, operation).catch((err: unknown) => {
    if (err instanceof LeaderFailure) return again();
    throw err;
  });
}
