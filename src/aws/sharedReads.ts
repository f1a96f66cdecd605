/**
 * Reads shared by every request of the gateway, under their DataLoaders and inside the AWS boundary
 * (campaignsClient.ts sends every read through here); see docs/reads.md.
 *
 * - The same read in flight for several requests is one AWS call: campaign states per id (a
 *   GetCampaignStateBatch asks only for the ids no other call is already fetching), descriptions
 *   per id, list pages per token, filter and page size.
 * - A well-formed success is kept, with when its call was sent (`asOf`): it answers for `maxAgeMs`
 *   (fresh), and past that only while AWS calls are refused by the quota (stale, up to
 *   `staleMaxAgeMs` old, refreshed in the background). List pages reached by an AWS token are never
 *   answered stale and are dropped at `maxAgeMs`. Failures are never kept.
 * - States the gateway's own actions cause are kept at once (`rememberState`, write-through).
 * - With a shared store (Redis), replicas read and keep through it; the in-process copy answers
 *   when it fails.
 *
 * Every request uses the process's one AWS identity, so an answer fetched for one may serve any other.
 */
import {
  DescribeCampaignCommand,
  GetCampaignStateBatchCommand,
  ListCampaignsCommand,
  type CampaignState,
  type DescribeCampaignCommandOutput,
  type FailedCampaignStateResponse,
  type GetCampaignStateBatchCommandOutput,
  type ListCampaignsCommandOutput,
  type SuccessfulCampaignStateResponse,
} from '@aws-sdk/client-connectcampaignsv2';
import { AwsQuotaUnavailableError, type TokenRequest } from './quota';
import { AGAIN, LeaderFailure, joined, lead, unwrap, type Flight } from './readFlights';
import { createInProcessReadStore, type KeptAnswer, type ReadStore } from './readStore';

/** A command as far as this module needs it (an SDK command of this service). */
interface Command {
  readonly input: object;
}

/** How one request reaches AWS itself, as the boundary provides it. */
export interface RequestSide {
  /**
   * Sends the command as this request's own AWS call: its token (`token`, default a read that
   * waits until the deadline), budget, deadline, breaker and attempts. Rejects with
   * `AwsQuotaUnavailableError`, sending nothing, when no token could be had.
   */
  call(command: Command, token?: TokenRequest): Promise<unknown>;
  /** Whether a failure of `call` was this request's own (budget spent, deadline passed), not AWS's answer. */
  ownFailure(err: unknown): boolean;
  /** `shared`, or this request's deadline failure if that comes first. */
  wait<T>(shared: Promise<T>, operation: string): Promise<T>;
}

/** A side for work no request waits on (background refreshes): its own deadline and budget. */
export interface BackgroundSide extends RequestSide {
  /** Releases what the side holds (its deadline timer). */
  close(): void;
}

/**
 * What is known of one campaign's state: AWS's state and when the call that read it was sent (ms
 * since the epoch); for a state the gateway's own action caused, when AWS accepted the action.
 */
export interface KnownState {
  campaignId: string;
  state: CampaignState;
  asOf: number;
}

/** A GetCampaignStateBatch success row as the shared reads hand it out: with its `asOf`. */
export type StateRowAsOf = SuccessfulCampaignStateResponse & { asOf?: number };

/**
 * A GetCampaignStateBatch answer as the shared reads hand it out: beside AWS's rows, the ids nothing
 * was known of and no AWS call could be had for in time (the other ids are still answered).
 */
export type StateBatchAsOf = GetCampaignStateBatchCommandOutput & { unavailable?: Record<string, AwsQuotaUnavailableError> };

export interface SharedReadsOptions {
  /** How long a kept answer is fresh (READ_CACHE_MAX_AGE_MS); 0 turns the whole layer off (no sharing in flight either). */
  maxAgeMs: number;
  /** Oldest answer served while the quota refuses a refresh (READ_STALE_MAX_AGE_MS); at least `maxAgeMs`. */
  staleMaxAgeMs?: number;
  /** Most answers kept in process (READ_CACHE_MAX_ENTRIES) and their most bytes (READ_CACHE_MAX_BYTES). */
  maxEntries: number;
  maxBytes?: number;
  /** The store replicas share (Redis); absent: the in-process store only. */
  sharedStore?: ReadStore;
  /** A side for a background refresh; absent: a stale answer is refreshed by the next read a token is free for. */
  background?: () => BackgroundSide;
  /** Told of every read answered stale: the operation and the answer's age. */
  onStale?: (operation: string, ageMs: number) => void;
  now?: () => number;
}

export interface SharedReads {
  /** The command's output, shared or fresh; `undefined` when the command is not a shared read. */
  send(command: Command, side: RequestSide): Promise<unknown> | undefined;
  /**
   * Keeps a state the gateway's own action caused (write-through): every replica answers it at once,
   * with no AWS call. `onState` hears it, as it hears every state this process reads from AWS.
   */
  rememberState(known: KnownState): void;
  /** Listens to every state kept (the live-state feed); returns how to stop. */
  onState(listener: (known: KnownState) => void): () => void;
  /** Forgets what is known of one campaign (state and description), after the gateway may have changed it. */
  forgetCampaign(id: string): void;
  /** Answers kept in process right now, and their estimated bytes (for tests and metrics). */
  readonly size: number;
  readonly bytes: number;
}

/** One id's row of a GetCampaignStateBatch answer; undefined when the answer had none for it. */
type StateRow = { ok: SuccessfulCampaignStateResponse } | { failed: FailedCampaignStateResponse } | undefined;

/** How a kind of answer is kept. */
interface Policy {
  operation: string;
  /** Whether the answer is one to keep (a success with its expected content). */
  wellFormed(output: unknown): boolean;
  /** How long from its asOf the answer is kept, and whether it may be answered stale. */
  stale: boolean;
}

/** Marks an answer handed out stale (never kept so). */
const STALE = Symbol('stale');

export const DEFAULT_STALE_MAX_AGE_MS = 300_000;
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

const READ_NOW: TokenRequest = { priority: 'read', wait: 'none' };
const READ_WAITING: TokenRequest = { priority: 'read', wait: 'deadline' };
const REFRESH: TokenRequest = { priority: 'refresh', wait: 'deadline' };

export function createSharedReads(options: SharedReadsOptions): SharedReads | undefined {
  const { maxAgeMs, background, onStale, sharedStore, now = Date.now } = options;
  if (maxAgeMs <= 0) return undefined;
  const staleMaxAgeMs = Math.max(options.staleMaxAgeMs ?? DEFAULT_STALE_MAX_AGE_MS, maxAgeMs);
  const local = createInProcessReadStore({ maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES, maxEntries: options.maxEntries, now });
  const inFlight = new Map<string, Flight>();
  /** Keys a background refresh is under way for. */
  const refreshing = new Set<string>();
  const listeners = new Set<(known: KnownState) => void>();

  /** What is kept under `keys`: the newer of the in-process and the shared answer. */
  async function lookup(keys: string[]): Promise<Array<KeptAnswer | undefined>> {
    if (!sharedStore) return local.get(keys);
    const [mine, theirs] = await Promise.all([local.get(keys), sharedStore.get(keys)]);
    return keys.map((key, i) => {
      const a = mine[i];
      const b = theirs[i];
      if (b && (!a || b.asOf > a.asOf)) {
        void local.set(key, b, keepMs(key));
        return b;
      }
      return a;
    });
  }

  function keepMs(key: string): number {
    return staleable(key) ? staleMaxAgeMs : maxAgeMs;
  }

  function keep(key: string, answer: KeptAnswer): void {
    void local.set(key, answer, keepMs(key));
    void sharedStore?.set(key, answer, keepMs(key));
  }

  const fresh = (known: KeptAnswer) => now() - known.asOf < maxAgeMs;
  const usable = (known: KeptAnswer | undefined, key: string): known is KeptAnswer =>
    known !== undefined && now() - known.asOf <= keepMs(key);

  /** Tells the metrics of an answer handed out stale (the quota refused its refresh), per read. */
  function served(operation: string, known: KeptAnswer): void {
    if (STALE in known) onStale?.(operation, now() - known.asOf);
  }

  function keepState(row: SuccessfulCampaignStateResponse, asOf: number): void {
    keep(`state|${row.campaignId}`, { value: { campaignId: row.campaignId, state: row.state }, asOf });
    const known = { campaignId: row.campaignId as string, state: row.state as CampaignState, asOf };
    for (const listener of listeners) listener(known);
  }

  /** Sends `make()` with no request waiting, once a refresh token is free; keeps what it answers. */
  function refreshLater(keys: string[], make: () => Command, land: (output: unknown, asOf: number) => void): void {
    if (!background || keys.some((key) => refreshing.has(key))) return;
    for (const key of keys) refreshing.add(key);
    const side = background();
    const asOf = now();
    side
      .call(make(), REFRESH)
      .then((output) => land(output, asOf))
      // A refresh that failed leaves the stale answer; the next read tries again.
      .catch(() => undefined)
      .finally(() => {
        for (const key of keys) refreshing.delete(key);
        side.close();
      });
  }

  // -------------------------------------------------------------------------------------------
  // One answer per key: descriptions and list pages

  function single(key: string, command: Command, side: RequestSide, policy: Policy): Promise<unknown> {
    const running = inFlight.get(key);
    if (running) {
      return joined(running.promise, side, policy.operation).then(
        (known) => (known === AGAIN ? single(key, command, side, policy) : handOut(policy.operation, known)),
      );
    }
    const flight: Flight = { promise: Promise.resolve(undefined) };
    const make = () => new (command.constructor as new (input: object) => Command)(command.input);
    const fetch = async (token: TokenRequest): Promise<KeptAnswer> => {
      const asOf = now();
      const value = await side.call(command, token);
      if (policy.wellFormed(value) && inFlight.get(key) === flight) keep(key, { value: withoutMetadata(value), asOf });
      return { value, asOf };
    };
    flight.promise = lead(
      (async () => {
        const [known] = await lookup([key]);
        if (known && fresh(known)) return known;
        if (!(policy.stale && usable(known, key))) return fetch(READ_WAITING);
        try {
          return await fetch(READ_NOW);
        } catch (err) {
          if (!(err instanceof AwsQuotaUnavailableError)) throw err;
          refreshLater([key], make, (output, asOf) => {
            if (policy.wellFormed(output)) keep(key, { value: withoutMetadata(output), asOf });
          });
          return { ...known, [STALE]: true };
        }
      })(),
      side,
    );
    track(key, flight);
    return unwrap(flight.promise).then((known) => handOut(policy.operation, known));
  }

  function handOut(operation: string, known: KeptAnswer | undefined): unknown {
    if (!known) return undefined;
    served(operation, known);
    return known.value;
  }

  /** Marks `flight` as in flight for `key` until it lands. */
  function track(key: string, flight: Flight): void {
    inFlight.set(key, flight);
    const done = () => {
      if (inFlight.get(key) === flight) inFlight.delete(key);
    };
    flight.promise.then(done, done);
  }

  // -------------------------------------------------------------------------------------------
  // States, per id, asked in batches

  async function states(command: GetCampaignStateBatchCommand, side: RequestSide): Promise<StateBatchAsOf> {
    const ids = [...new Set(command.input.campaignIds ?? [])];
    const joinedIds = ids.filter((id) => inFlight.has(`state|${id}`));
    const leadIds = ids.filter((id) => !inFlight.has(`state|${id}`));
    const answers = new Map<string, KeptAnswer | undefined>();
    const unavailable: Record<string, AwsQuotaUnavailableError> = {};
    let metadata: GetCampaignStateBatchCommandOutput['$metadata'] = {};
    const waits: Array<Promise<unknown>> = [];
    if (leadIds.length > 0) {
      const group = leadStates(leadIds, command, side);
      waits.push(
        group.then((result) => {
          if (result.metadata) metadata = result.metadata;
          for (const id of leadIds) answers.set(id, result.answers.get(id));
          for (const id of result.refused?.ids ?? []) unavailable[id] = result.refused?.error as AwsQuotaUnavailableError;
        }),
      );
    }
    // Ids another request is fetching: its answer; those whose leader failed for its own reasons
    // are asked again together, in one batch.
    const again: string[] = [];
    for (const id of joinedIds) {
      const running = (inFlight.get(`state|${id}`) as Flight).promise;
      waits.push(
        joined(running, side, 'GetCampaignStateBatch').then((known) => {
          if (known === AGAIN) again.push(id);
          else answers.set(id, known);
        }),
      );
    }
    const settled = await Promise.allSettled(waits);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    if (again.length > 0) {
      const retried = await states(new GetCampaignStateBatchCommand({ ...command.input, campaignIds: again }), side);
      if (Object.keys(metadata).length === 0) metadata = retried.$metadata;
      for (const row of retried.successfulRequests ?? []) answers.set(row.campaignId as string, { value: { ok: row }, asOf: (row as StateRowAsOf).asOf ?? now() });
      for (const row of retried.failedRequests ?? []) answers.set(row.campaignId as string, { value: { failed: row }, asOf: now() });
      Object.assign(unavailable, retried.unavailable);
    }
    // The $metadata of this request's own call, if it made one.
    const output: StateBatchAsOf = {
      $metadata: metadata,
      successfulRequests: [],
      failedRequests: [],
      ...(Object.keys(unavailable).length > 0 ? { unavailable } : {}),
    };
    for (const id of ids) {
      const known = answers.get(id);
      const row = known?.value as StateRow;
      if (!known || row === undefined) continue;
      if ('ok' in row) {
        served('GetCampaignStateBatch', known);
        output.successfulRequests?.push({ ...row.ok, asOf: known.asOf } as StateRowAsOf);
      } else output.failedRequests?.push(row.failed);
    }
    return output;
  }

  /**
   * Leads the reads of `ids` (none in flight): what is fresh is answered; the rest asked in one
   * batch, at once when something is known of them (stale answers served if the quota refuses),
   * else waiting for a token until the deadline.
   */
  function leadStates(
    ids: string[],
    command: GetCampaignStateBatchCommand,
    side: RequestSide,
  ): Promise<{
    answers: Map<string, KeptAnswer | undefined>;
    metadata?: GetCampaignStateBatchCommandOutput['$metadata'];
    /** Ids nothing was known of and no token came for within the deadline. */
    refused?: { ids: string[]; error: AwsQuotaUnavailableError };
  }> {
    const flights = new Map(ids.map((id) => [id, { promise: Promise.resolve(undefined) } as Flight]));
    const current = (id: string) => inFlight.get(`state|${id}`) === flights.get(id);
    const group = (async () => {
      const answers = new Map<string, KeptAnswer | undefined>();
      let metadata: GetCampaignStateBatchCommandOutput['$metadata'] | undefined;
      const known = await lookup(ids.map((id) => `state|${id}`));
      const stale: string[] = [];
      const unknown: string[] = [];
      ids.forEach((id, i) => {
        const k = known[i];
        // Kept as AWS's own row ({ campaignId, state }); handed on as a row of the batch.
        const row = k && { value: { ok: k.value } as StateRow, asOf: k.asOf };
        if (k && fresh(k)) answers.set(id, row);
        else if (usable(k, `state|${id}`)) {
          stale.push(id);
          answers.set(id, row);
        } else unknown.push(id);
      });
      /** Keeps what `output` answered for `asked` (if `keepIf`); `answer`: and hands it to this read. */
      const land = (asked: string[], output: GetCampaignStateBatchCommandOutput, asOf: number, keepIf: (id: string) => boolean, answer: boolean) => {
        for (const id of asked) {
          const row = rowOf(output, id);
          if (row && 'ok' in row && wellFormedState(row.ok) && keepIf(id)) keepState(row.ok, asOf);
          if (answer) answers.set(id, { value: row, asOf });
        }
      };
      const fetch = async (asked: string[], token: TokenRequest) => {
        const asOf = now();
        const output = (await side.call(new GetCampaignStateBatchCommand({ ...command.input, campaignIds: asked }), token)) as GetCampaignStateBatchCommandOutput;
        metadata = output.$metadata;
        land(asked, output, asOf, current, true);
      };
      if (stale.length > 0) {
        try {
          await fetch([...stale, ...unknown], READ_NOW);
          return { answers, metadata };
        } catch (err) {
          if (!(err instanceof AwsQuotaUnavailableError)) throw err;
          for (const id of stale) answers.set(id, Object.assign({}, answers.get(id) as KeptAnswer, { [STALE]: true }));
          const make = () => new GetCampaignStateBatchCommand({ ...command.input, campaignIds: stale });
          refreshLater(
            stale.map((id) => `state|${id}`),
            make,
            (output, asOf) => land(stale, output as GetCampaignStateBatchCommandOutput, asOf, () => true, false),
          );
        }
      }
      if (unknown.length > 0) {
        try {
          await fetch(unknown, READ_WAITING);
        } catch (err) {
          // The ids answered from what is known still are; only these fail.
          if (!(err instanceof AwsQuotaUnavailableError)) throw err;
          return { answers, metadata, refused: { ids: unknown, error: err } };
        }
      }
      return { answers, metadata };
    })();
    const led = lead(group, side);
    for (const [id, flight] of flights) {
      flight.promise = led.then((result) => {
        // Refused for want of a token within the leader's deadline: those who joined ask again.
        if (result.refused?.ids.includes(id)) throw new LeaderFailure(result.refused.error);
        return result.answers.get(id);
      });
      flight.promise.catch(() => undefined);
      track(`state|${id}`, flight);
    }
    return unwrap(led);
  }

  return {
    send(command, side) {
      if (command instanceof GetCampaignStateBatchCommand) return states(command, side);
      if (command instanceof DescribeCampaignCommand) {
        return single(`describe|${command.input.id}`, command, side, DESCRIBE);
      }
      if (command instanceof ListCampaignsCommand) {
        const { maxResults, nextToken, filters } = command.input;
        // The first page of a list may be answered stale; a page reached by an AWS token may not.
        const kind = nextToken === undefined ? 'list' : 'listpage';
        return single(`${kind}|${JSON.stringify([maxResults ?? null, nextToken ?? null, filters ?? null])}`, command, side, LIST);
      }
      return undefined;
    },
    rememberState(known) {
      keepState({ campaignId: known.campaignId, state: known.state }, known.asOf);
    },
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    forgetCampaign(id) {
      const keys = [`state|${id}`, `describe|${id}`];
      for (const key of keys) inFlight.delete(key);
      void local.delete(keys);
      void sharedStore?.delete(keys);
    },
    get size() {
      return local.size;
    },
    get bytes() {
      return local.bytes;
    },
  };
}

const DESCRIBE: Policy = {
  operation: 'DescribeCampaign',
  stale: true,
  wellFormed: (output) => {
    const campaign = (output as DescribeCampaignCommandOutput | undefined)?.campaign;
    return typeof campaign === 'object' && campaign !== null && typeof campaign.id === 'string';
  },
};
const LIST: Policy = {
  operation: 'ListCampaigns',
  stale: true,
  wellFormed: (output) => Array.isArray((output as ListCampaignsCommandOutput | undefined)?.campaignSummaryList),
};

/** Whether answers under `key` may be answered stale (all but list pages reached by an AWS token). */
function staleable(key: string): boolean {
  return !key.startsWith('listpage|');
}

function wellFormedState(row: SuccessfulCampaignStateResponse): boolean {
  return typeof row.campaignId === 'string' && typeof row.state === 'string' && row.state.length > 0;
}

/** An answer without its call's $metadata (request id, attempts): what is kept is the content only. */
function withoutMetadata(output: unknown): unknown {
  if (typeof output !== 'object' || output === null) return output;
  const { $metadata: _metadata, ...content } = output as { $metadata?: unknown };
  return { $metadata: {}, ...content };
}

function rowOf(output: GetCampaignStateBatchCommandOutput, id: string): StateRow {
  const ok = output.successfulRequests?.find((r) => r.campaignId === id);
  if (ok) return { ok };
  const failed = output.failedRequests?.find((r) => r.campaignId === id);
  return failed ? { failed } : undefined;
}
