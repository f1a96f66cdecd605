import {
  AccessDeniedException,
  ConnectCampaignsV2Client,
  DescribeCampaignCommand,
  GetCampaignStateBatchCommand,
  ResourceNotFoundException,
  StartCampaignCommand,
  type GetCampaignStateBatchCommandInput,
} from '@aws-sdk/client-connectcampaignsv2';
import { mockClient } from 'aws-sdk-client-mock';
import { CampaignService } from '../../src/campaigns/campaignService';
import { roomyRequestApi } from '../helpers/campaignsApi';
import { createCampaignLoaders } from '../../src/campaigns/campaignLoaders';
import { CampaignReadError, UpstreamError } from '../../src/campaigns/upstreamError';
import type { CampaignSummary } from '../../src/campaigns/types';
import { Mutation } from '../../src/graphql/resolvers/Mutation';
import type { ContextValue } from '../../src/graphql/context';

const awsMock = mockClient(ConnectCampaignsV2Client);
const service = new CampaignService(roomyRequestApi());
const meta = { $metadata: { httpStatusCode: 403, requestId: 'aws-req-1' }, message: 'AWS says no' };

/** Answers every state batch as AWS would: Running for known ids, ResourceNotFound for `gone-*`. */
function answerStates(states: Record<string, string> = {}): void {
  awsMock.on(GetCampaignStateBatchCommand).callsFake((input: GetCampaignStateBatchCommandInput) => {
    const ids = input.campaignIds ?? [];
    return {
      successfulRequests: ids.filter((id) => !id.startsWith('gone-')).map((campaignId) => ({ campaignId, state: states[campaignId] ?? 'Running' })),
      failedRequests: ids.filter((id) => id.startsWith('gone-')).map((campaignId) => ({ campaignId, failureCode: 'ResourceNotFound' })),
    };
  });
}

function batches(): string[][] {
  return awsMock.commandCalls(GetCampaignStateBatchCommand).map((call) => call.args[0].input.campaignIds ?? []);
}

const ids = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

beforeEach(() => awsMock.reset());

describe('state loader (GetCampaignStateBatch)', () => {
  it.each([
    [1, [1]],
    [25, [25]],
    [26, [25, 1]],
    [60, [25, 25, 10]],
  ])('chunks %i ids into calls of at most 25: %j', async (n, sizes) => {
    answerStates();
    const { campaignState } = createCampaignLoaders(service);
    await Promise.all(ids(n).map((id) => campaignState.load(id)));
    expect(batches().map((b) => b.length)).toEqual(sizes);
  });

  it('asks for each id once, however often it is loaded', async () => {
    answerStates();
    const { campaignState } = createCampaignLoaders(service);
    await Promise.all(['a', 'b', 'a', 'a', 'b'].map((id) => campaignState.load(id)));
    await campaignState.load('a');
    expect(batches()).toEqual([['a', 'b']]);
  });

  it('answers in the order asked, whatever order AWS answers in', async () => {
    awsMock.on(GetCampaignStateBatchCommand).resolves({
      successfulRequests: [
        { campaignId: 'c', state: 'Paused' },
        { campaignId: 'a', state: 'Running' },
        { campaignId: 'b', state: 'Stopped' },
      ],
    });
    const { campaignState } = createCampaignLoaders(service);
    const found = await campaignState.loadMany(['a', 'b', 'c']);
    expect(found.map((known) => (known as { state: string }).state)).toEqual(['Running', 'Stopped', 'Paused']);
  });

  it('fails only the ids AWS failed: ResourceNotFound is null, UnknownError an error', async () => {
    awsMock.on(GetCampaignStateBatchCommand).resolves({
      successfulRequests: [{ campaignId: 'ok', state: 'Running' }],
      failedRequests: [
        { campaignId: 'gone', failureCode: 'ResourceNotFound' },
        { campaignId: 'odd', failureCode: 'UnknownError' },
      ],
    });
    const { campaignState } = createCampaignLoaders(service);
    const [ok, gone, odd] = await campaignState.loadMany(['ok', 'gone', 'odd']);
    expect([ok, gone]).toEqual([{ state: 'Running', asOf: expect.any(Number) }, null]);
    expect(odd).toBeInstanceOf(UpstreamError);
  });

  it('fails every id of a batch AWS refused, with the documented failure', async () => {
    awsMock.on(GetCampaignStateBatchCommand).rejects(new AccessDeniedException(meta));
    const { campaignState } = createCampaignLoaders(service);
    const results = await campaignState.loadMany(['a', 'b']);
    expect(results).toEqual([expect.any(CampaignReadError), expect.any(CampaignReadError)]);
  });

  it('puts loads made at different promise depths of one tick into one batch', async () => {
    // Resolvers await at different depths before loading (nested fields, entity references): the
    // default scheduling (after the microtask queue drains) still gathers them all.
    answerStates();
    const { campaignState } = createCampaignLoaders(service);
    const deferred = (depth: number, id: string): Promise<unknown> =>
      depth === 0 ? campaignState.load(id) : Promise.resolve().then(() => deferred(depth - 1, id));
    await Promise.all(ids(30).map((id, i) => deferred(i % 7, id)));
    expect(batches().map((b) => b.length)).toEqual([25, 5]);
  });
});

describe('details and summary loaders (DescribeCampaign)', () => {
  function answerDescribe(): void {
    awsMock.on(DescribeCampaignCommand).callsFake(({ id }: { id: string }) => {
      if (id.startsWith('gone-')) throw new ResourceNotFoundException({ ...meta, message: 'not found' });
      if (id.startsWith('denied-')) throw new AccessDeniedException(meta);
      return { campaign: { id, arn: `arn:${id}`, name: `Name of ${id}`, connectInstanceId: 'i-1', tags: { b: '2', a: '1' } } };
    });
  }
  const described = () => awsMock.commandCalls(DescribeCampaignCommand).map((call) => call.args[0].input.id);

  it('describes each id once, whatever the fields and loaders asking', async () => {
    answerDescribe();
    const { campaignDetails, campaignSummary } = createCampaignLoaders(service);
    const [x1, x2, s1, y] = await Promise.all([
      campaignDetails.load('x'),
      campaignDetails.load('x'),
      campaignSummary.load('x'),
      campaignSummary.load('y'),
    ]);
    expect(x1).toBe(x2);
    expect(x1).toMatchObject({ name: 'Name of x', tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
    expect(s1).toMatchObject({ id: 'x', name: 'Name of x', arn: 'arn:x' });
    expect(y).toMatchObject({ name: 'Name of y' });
    expect(described().sort()).toEqual(['x', 'y']);
  });

  it('loads an unknown campaign as null and a refused one as that id’s error only', async () => {
    answerDescribe();
    const { campaignDetails } = createCampaignLoaders(service);
    const [ok, gone, denied] = await campaignDetails.loadMany(['ok', 'gone-1', 'denied-1']);
    expect(ok).toMatchObject({ id: 'ok' });
    expect(gone).toBeNull();
    expect(denied).toBeInstanceOf(CampaignReadError);
    expect(denied).toMatchObject({ operation: 'DescribeCampaign', failure: { kind: 'AccessDeniedException', requestId: 'aws-req-1' } });
  });

  it('answers a summary primed from a list row without describing', async () => {
    answerDescribe();
    const { campaignSummary } = createCampaignLoaders(service);
    const row: CampaignSummary = {
      id: 'listed',
      name: 'Listed',
      arn: 'arn:listed',
      connectInstanceId: 'i-1',
      type: null,
      channelSubtypes: ['TELEPHONY'],
      schedule: null,
      connectCampaignFlowArn: null,
    };
    campaignSummary.prime('listed', row);
    await expect(campaignSummary.load('listed')).resolves.toBe(row);
    expect(described()).toEqual([]);
  });
});

describe('startCampaign and the state loader', () => {
  it('forgets the started campaign’s cached state, so the payload shows the state after the start', async () => {
    answerStates({ started: 'Initialized' });
    awsMock.on(StartCampaignCommand).resolves({ $metadata: { requestId: 'r-1' } });
    const loaders = createCampaignLoaders(service);
    await expect(loaders.campaignState.load('started')).resolves.toMatchObject({ state: 'Initialized' });
    answerStates({ started: 'Running' });
    const ctx = {
      principal: { subject: 'test', scopes: 'all' },
      actionScopes: { start: 's', stop: 't' },
      campaigns: service,
      loaders,
      recordAction: () => {},
    };
    const startCampaign = Mutation.startCampaign as (parent: unknown, args: { id: string }, ctx: ContextValue, info: unknown) => Promise<unknown>;
    await startCampaign({}, { id: 'started' }, ctx as unknown as ContextValue, {});
    await expect(loaders.campaignState.load('started')).resolves.toMatchObject({ state: 'Running' });
  });
});
