import {
  DescribeCampaignCommand,
  GetCampaignStateBatchCommand,
  ListCampaignsCommand,
  type GetCampaignStateBatchCommandOutput,
} from '@aws-sdk/client-connectcampaignsv2';
import { AwsQuotaUnavailableError, type TokenRequest } from '../../src/aws/quota';
import {
  createSharedReads,
  type BackgroundSide,
  type KnownState,
  type SharedReads,
  type SharedReadsOptions,
  type StateBatchAsOf,
} from '../../src/aws/sharedReads';

/** A clock the test moves. */
let clock = 1_000_000;
const now = () => clock;

interface Sent {
  command: { input: Record<string, unknown> };
  token: TokenRequest | undefined;
}

/**
 * A RequestSide standing in for the boundary: `grant(token)` says whether the governor would give
 * the call a token; AWS answers every state as `state` and every description with `name`.
 */
function fakeAws(world: { state: string; name: string; grant: (token: TokenRequest | undefined) => boolean }) {
  const sent: Sent[] = [];
  const side = (): BackgroundSide => ({
    call(command, token) {
      if (!world.grant(token)) return Promise.reject(new AwsQuotaUnavailableError('X', token?.priority ?? 'read', 250));
      sent.push({ command: command as Sent['command'], token });
      if (command instanceof GetCampaignStateBatchCommand) {
        const ids = command.input.campaignIds ?? [];
        return Promise.resolve({ $metadata: {}, successfulRequests: ids.map((campaignId) => ({ campaignId, state: world.state })), failedRequests: [] });
      }
      if (command instanceof DescribeCampaignCommand) return Promise.resolve({ $metadata: {}, campaign: { id: command.input.id, name: world.name } });
      return Promise.resolve({ $metadata: {}, campaignSummaryList: [], nextToken: undefined });
    },
    ownFailure: () => false,
    wait: (shared) => shared,
    close: () => undefined,
  });
  return { sent, side };
}

function reads(aws: ReturnType<typeof fakeAws>, options: Partial<SharedReadsOptions> = {}): SharedReads {
  return createSharedReads({ maxAgeMs: 1000, staleMaxAgeMs: 60_000, maxEntries: 1000, maxBytes: 1 << 20, background: aws.side, now, ...options })!;
}

async function stateOf(r: SharedReads, aws: ReturnType<typeof fakeAws>, id: string) {
  const output = (await r.send(new GetCampaignStateBatchCommand({ campaignIds: [id] }), aws.side())) as GetCampaignStateBatchCommandOutput;
  return output.successfulRequests?.[0] as { state: string; asOf: number } | undefined;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const noToken = () => false;
const anyToken = () => true;

beforeEach(() => {
  clock = 1_000_000;
});

describe('stale-while-revalidate under the AWS quota', () => {
  it('answers a fresh state from what is known, with no call and its original asOf', async () => {
    const aws = fakeAws({ state: 'Running', name: 'n', grant: anyToken });
    const r = reads(aws);
    await expect(stateOf(r, aws, 'c1')).resolves.toMatchObject({ state: 'Running', asOf: 1_000_000 });
    clock += 999;
    await expect(stateOf(r, aws, 'c1')).resolves.toMatchObject({ state: 'Running', asOf: 1_000_000 });
    expect(aws.sent).toHaveLength(1);
    expect(aws.sent[0]?.token).toEqual({ priority: 'read', wait: 'deadline' });
  });

  it('asks again at once, without waiting for a token, for a state known but older than the maximum age', async () => {
    const world = { state: 'Running', name: 'n', grant: anyToken };
    const aws = fakeAws(world);
    const r = reads(aws);
    await stateOf(r, aws, 'c1');
    clock += 1500;
    world.state = 'Paused';
    await expect(stateOf(r, aws, 'c1')).resolves.toMatchObject({ state: 'Paused', asOf: 1_001_500 });
    expect(aws.sent.map((s) => s.token)).toEqual([
      { priority: 'read', wait: 'deadline' },
      { priority: 'read', wait: 'none' },
    ]);
  });

  it('answers the last known state, declared by its asOf, when the quota refuses, and refreshes it in the background', async () => {
    const world = { state: 'Running', name: 'n', grant: anyToken as (t: TokenRequest | undefined) => boolean };
    const aws = fakeAws(world);
    const stale: Array<[string, number]> = [];
    const r = reads(aws, { onStale: (operation, age) => stale.push([operation, age]) });
    await stateOf(r, aws, 'c1');
    clock += 30_000;
    world.state = 'Paused';
    // Reads have no token now; a background refresh gets one.
    world.grant = (token) => token?.priority === 'refresh';
    await expect(stateOf(r, aws, 'c1')).resolves.toMatchObject({ state: 'Running', asOf: 1_000_000 });
    expect(stale).toEqual([['GetCampaignStateBatch', 30_000]]);
    await settle();
    expect(aws.sent.map((s) => [s.token?.priority, s.command.input.campaignIds])).toEqual([
      ['read', ['c1']],
      ['refresh', ['c1']],
    ]);
    // The refresh is kept: the next read is fresh, with no call.
    world.grant = noToken;
    await expect(stateOf(r, aws, 'c1')).resolves.toMatchObject({ state: 'Paused', asOf: 1_030_000 });
    expect(aws.sent).toHaveLength(2);
  });

  it('fails a read with nothing known with the quota refusal and its retry hint, after waiting (bounded) for a token', async () => {
    const aws = fakeAws({ state: 'Running', name: 'n', grant: noToken });
    const r = reads(aws);
    const output = (await r.send(new GetCampaignStateBatchCommand({ campaignIds: ['c1'] }), aws.side())) as StateBatchAsOf;
    expect(output.successfulRequests).toEqual([]);
    expect(output.unavailable?.c1).toBeInstanceOf(AwsQuotaUnavailableError);
    expect(output.unavailable?.c1?.retryAfterMs).toBe(250);
    await expect(r.send(new DescribeCampaignCommand({ id: 'c1' }), aws.side())).rejects.toBeInstanceOf(AwsQuotaUnavailableError);
  });

  it('answers the known ids of a batch and refuses only the unknown one when no token comes at all', async () => {
    const world = { state: 'Running', name: 'n', grant: anyToken as (t: TokenRequest | undefined) => boolean };
    const aws = fakeAws(world);
    const r = reads(aws);
    await r.send(new GetCampaignStateBatchCommand({ campaignIds: ['a'] }), aws.side());
    clock += 5000;
    world.grant = noToken;
    const output = (await r.send(new GetCampaignStateBatchCommand({ campaignIds: ['a', 'new'] }), aws.side())) as StateBatchAsOf;
    expect(output.successfulRequests).toEqual([{ campaignId: 'a', state: 'Running', asOf: 1_000_000 }]);
    expect(Object.keys(output.unavailable ?? {})).toEqual(['new']);
  });

  it('serves nothing older than READ_STALE_MAX_AGE_MS: past it a read waits as if nothing were known', async () => {
    const world = { state: 'Running', name: 'n', grant: anyToken as (t: TokenRequest | undefined) => boolean };
    const aws = fakeAws(world);
    const r = reads(aws);
    await stateOf(r, aws, 'c1');
    clock += 60_001;
    world.grant = (token) => token?.wait === 'deadline';
    await expect(stateOf(r, aws, 'c1')).resolves.toMatchObject({ asOf: 1_060_001 });
    expect(aws.sent.at(-1)?.token).toEqual({ priority: 'read', wait: 'deadline' });
  });

  it('serves the stale ids of a batch and waits only for the unknown ones, in one batch', async () => {
    const world = { state: 'Running', name: 'n', grant: anyToken as (t: TokenRequest | undefined) => boolean };
    const aws = fakeAws(world);
    const r = reads(aws);
    await r.send(new GetCampaignStateBatchCommand({ campaignIds: ['a', 'b'] }), aws.side());
    clock += 5000;
    world.grant = (token) => token?.wait === 'deadline';
    const output = (await r.send(new GetCampaignStateBatchCommand({ campaignIds: ['a', 'b', 'c'] }), aws.side())) as GetCampaignStateBatchCommandOutput;
    expect(output.successfulRequests).toEqual([
      { campaignId: 'a', state: 'Running', asOf: 1_000_000 },
      { campaignId: 'b', state: 'Running', asOf: 1_000_000 },
      { campaignId: 'c', state: 'Running', asOf: 1_005_000 },
    ]);
    // The stale ids go to a background refresh; only the unknown one was waited for.
    expect(aws.sent.slice(1).map((s) => [s.token?.priority, s.command.input.campaignIds])).toEqual([
      ['refresh', ['a', 'b']],
      ['read', ['c']],
    ]);
  });

  it('answers a description stale too, but never a list page reached by an AWS token', async () => {
    const world = { state: 'Running', name: 'first', grant: anyToken as (t: TokenRequest | undefined) => boolean };
    const aws = fakeAws(world);
    const r = reads(aws);
    await r.send(new DescribeCampaignCommand({ id: 'c1' }), aws.side());
    await r.send(new ListCampaignsCommand({ maxResults: 50, nextToken: 't1' }), aws.side());
    clock += 5000;
    world.grant = noToken;
    await expect(r.send(new DescribeCampaignCommand({ id: 'c1' }), aws.side())).resolves.toMatchObject({ campaign: { name: 'first' } });
    await expect(r.send(new ListCampaignsCommand({ maxResults: 50, nextToken: 't1' }), aws.side())).rejects.toBeInstanceOf(AwsQuotaUnavailableError);
  });
});

describe('write-through', () => {
  it('answers a state the gateway caused at once, with its asOf, and tells the listeners', async () => {
    const aws = fakeAws({ state: 'Running', name: 'n', grant: anyToken });
    const r = reads(aws);
    const heard: KnownState[] = [];
    r.onState((known) => heard.push(known));
    await stateOf(r, aws, 'c1');
    clock += 10;
    r.rememberState({ campaignId: 'c1', state: 'Stopped', asOf: clock });
    await expect(stateOf(r, aws, 'c1')).resolves.toMatchObject({ state: 'Stopped', asOf: 1_000_010 });
    expect(aws.sent).toHaveLength(1);
    expect(heard).toEqual([
      { campaignId: 'c1', state: 'Running', asOf: 1_000_000 },
      { campaignId: 'c1', state: 'Stopped', asOf: 1_000_010 },
    ]);
  });

  it('keeps the newer of two answers: a read sent before the action cannot undo it', async () => {
    const aws = fakeAws({ state: 'Running', name: 'n', grant: anyToken });
    const r = reads(aws);
    r.rememberState({ campaignId: 'c1', state: 'Stopped', asOf: clock });
    r.rememberState({ campaignId: 'c1', state: 'Running', asOf: clock - 5 });
    await expect(stateOf(r, aws, 'c1')).resolves.toMatchObject({ state: 'Stopped' });
  });
});
