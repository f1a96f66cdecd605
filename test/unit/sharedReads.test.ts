import {
  AccessDeniedException,
  ConnectCampaignsV2Client,
  DescribeCampaignCommand,
  GetCampaignStateBatchCommand,
  ListCampaignsCommand,
  StartCampaignCommand,
  type DescribeCampaignCommandInput,
  type GetCampaignStateBatchCommandInput,
} from '@aws-sdk/client-connectcampaignsv2';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallBudgetExceededError, AwsCallFailure } from '../../src/aws/callFailure';
import { createCampaignsClient, type CampaignsClient } from '../../src/aws/campaignsClient';
import { Deadline } from '../../src/aws/deadline';

const awsMock = mockClient(ConnectCampaignsV2Client);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function client(maxAgeMs = 60_000, maxEntries = 1000): CampaignsClient {
  return createCampaignsClient({
    requestTimeoutMs: 3000,
    connectTimeoutMs: 1000,
    emulatorEndpoint: 'http://127.0.0.1:1',
    sharedReads: { maxAgeMs, maxEntries },
  });
}
const request = (c: CampaignsClient, maxCalls = 100, deadline = Deadline.in(3_600_000)) => c.forRequest({ deadline, maxCalls });

/** DescribeCampaign answering after `delayMs`, with a name that says which call it was. */
function describeAnswers(delayMs = 20): void {
  let n = 0;
  awsMock.on(DescribeCampaignCommand).callsFake(async (input: DescribeCampaignCommandInput) => {
    const call = ++n;
    await sleep(delayMs);
    return { $metadata: {}, campaign: { id: input.id, name: `call ${call}` } };
  });
}

/** GetCampaignStateBatch answering every id RUNNING except ids starting with "gone" (not found). */
function stateAnswers(state = 'Running', delayMs = 20): void {
  awsMock.on(GetCampaignStateBatchCommand).callsFake(async (input: GetCampaignStateBatchCommandInput) => {
    await sleep(delayMs);
    const ids = input.campaignIds ?? [];
    return {
      $metadata: {},
      successfulRequests: ids.filter((id) => !id.startsWith('gone')).map((campaignId) => ({ campaignId, state })),
      failedRequests: ids.filter((id) => id.startsWith('gone')).map((campaignId) => ({ campaignId, failureCode: 'ResourceNotFound' })),
    };
  });
}

const batchesAsked = () => awsMock.commandCalls(GetCampaignStateBatchCommand).map((c) => c.args[0].input.campaignIds);

beforeEach(() => awsMock.reset());

describe('reads shared across requests', () => {
  it('makes one call for the same description asked by requests at the same time, counted only against the one that made it', async () => {
    describeAnswers();
    const c = client();
    const [a, b, d] = [request(c), request(c), request(c)];
    const answers = await Promise.all([a, b, d].map((r) => r.send(new DescribeCampaignCommand({ id: 'c1' }))));
    expect(awsMock.commandCalls(DescribeCampaignCommand)).toHaveLength(1);
    expect(answers.map((o) => o.campaign?.name)).toEqual(['call 1', 'call 1', 'call 1']);
    expect([a.callsMade, b.callsMade, d.callsMade]).toEqual([1, 0, 0]);
  });

  it('reuses an answer within the maximum age and asks again after it', async () => {
    describeAnswers(0);
    const c = client(150);
    const first = await request(c).send(new DescribeCampaignCommand({ id: 'c1' }));
    const later = request(c);
    const again = await later.send(new DescribeCampaignCommand({ id: 'c1' }));
    expect(again.campaign?.name).toBe(first.campaign?.name);
    expect(later.callsMade).toBe(0);
    await sleep(200);
    const fresh = await request(c).send(new DescribeCampaignCommand({ id: 'c1' }));
    expect(fresh.campaign?.name).toBe('call 2');
    expect(awsMock.commandCalls(DescribeCampaignCommand)).toHaveLength(2);
  });

  it('asks each state id once across batches that overlap, and answers each request for exactly its ids', async () => {
    stateAnswers();
    const c = client();
    const [a, b] = [request(c), request(c)];
    const [outA, outB] = await Promise.all([
      a.send(new GetCampaignStateBatchCommand({ campaignIds: ['a', 'b', 'gone1'] })),
      b.send(new GetCampaignStateBatchCommand({ campaignIds: ['b', 'gone1', 'c'] })),
    ]);
    expect(batchesAsked()).toEqual([['a', 'b', 'gone1'], ['c']]);
    expect(outA.successfulRequests).toEqual([
      { campaignId: 'a', state: 'Running', asOf: expect.any(Number) },
      { campaignId: 'b', state: 'Running', asOf: expect.any(Number) },
    ]);
    expect(outA.failedRequests).toEqual([{ campaignId: 'gone1', failureCode: 'ResourceNotFound' }]);
    expect(outB.successfulRequests).toEqual([
      { campaignId: 'b', state: 'Running', asOf: expect.any(Number) },
      { campaignId: 'c', state: 'Running', asOf: expect.any(Number) },
    ]);
    expect(outB.failedRequests).toEqual([{ campaignId: 'gone1', failureCode: 'ResourceNotFound' }]);
    expect([a.callsMade, b.callsMade]).toEqual([1, 1]);

    // Kept: the states; not kept: the id AWS could not answer for.
    await request(c).send(new GetCampaignStateBatchCommand({ campaignIds: ['a', 'b', 'c', 'gone1'] }));
    expect(batchesAsked()).toEqual([['a', 'b', 'gone1'], ['c'], ['gone1']]);
  });

  it('keeps no failure: those waiting share it, the next request asks again', async () => {
    let n = 0;
    awsMock.on(DescribeCampaignCommand).callsFake(async () => {
      n++;
      await sleep(10);
      throw new AccessDeniedException({ $metadata: { httpStatusCode: 403 }, message: 'no' });
    });
    const c = client();
    const results = await Promise.allSettled([request(c), request(c)].map((r) => r.send(new DescribeCampaignCommand({ id: 'c1' }))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(AwsCallFailure);
    expect(n).toBe(1);
    await expect(request(c).send(new DescribeCampaignCommand({ id: 'c1' }))).rejects.toBeInstanceOf(AwsCallFailure);
    expect(n).toBe(2);
  });

  it("forgets a campaign's state and description when the gateway acts on it, and keeps no answer that was in flight then", async () => {
    stateAnswers('Initialized', 30);
    describeAnswers(0);
    awsMock.on(StartCampaignCommand).resolves({ $metadata: {} });
    const c = client();
    await request(c).send(new GetCampaignStateBatchCommand({ campaignIds: ['c2'] }));
    await request(c).send(new DescribeCampaignCommand({ id: 'c1' }));
    // A read of c1 already on its way when the start lands: its (older) answer must not be kept.
    const inFlight = request(c).send(new GetCampaignStateBatchCommand({ campaignIds: ['c1'] }));
    await sleep(5);
    await request(c).send(new StartCampaignCommand({ id: 'c1' }));
    await inFlight;
    stateAnswers('Running', 0);

    const after = request(c);
    const states = await after.send(new GetCampaignStateBatchCommand({ campaignIds: ['c1', 'c2'] }));
    expect(states.successfulRequests).toEqual([
      { campaignId: 'c1', state: 'Running', asOf: expect.any(Number) },
      { campaignId: 'c2', state: 'Initialized', asOf: expect.any(Number) },
    ]);
    expect(batchesAsked().slice(-1)).toEqual([['c1']]);
    await after.send(new DescribeCampaignCommand({ id: 'c1' }));
    expect(awsMock.commandCalls(DescribeCampaignCommand)).toHaveLength(2);
    expect(after.callsMade).toBe(2);
  });

  it('lets a request that joined a call refused by its leader (budget spent) make the call itself', async () => {
    describeAnswers();
    const c = client();
    const spent = request(c, 0);
    const other = request(c);
    const [refused, answered] = await Promise.allSettled([
      spent.send(new DescribeCampaignCommand({ id: 'c1' })),
      other.send(new DescribeCampaignCommand({ id: 'c1' })),
    ]);
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(AwsCallBudgetExceededError);
    expect((answered as PromiseFulfilledResult<{ campaign?: { name?: string } }>).value.campaign?.name).toBe('call 1');
    expect([spent.callsMade, other.callsMade]).toEqual([0, 1]);
  });

  it("bounds a joined call by the joiner's own deadline", async () => {
    describeAnswers(100);
    const c = client();
    const deadline = Deadline.in(3_600_000);
    const leader = request(c).send(new DescribeCampaignCommand({ id: 'c1' }));
    const joiner = request(c, 100, deadline).send(new DescribeCampaignCommand({ id: 'c1' }));
    deadline.pass();
    const err = await joiner.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsCallFailure);
    expect((err as AwsCallFailure).attempts.map((a) => a.result)).toEqual(['not-sent']);
    expect((await leader).campaign?.name).toBe('call 1');
  });

  it('shares list pages by token, filter and page size', async () => {
    awsMock.on(ListCampaignsCommand).callsFake(async () => {
      await sleep(10);
      return { $metadata: {}, campaignSummaryList: [] };
    });
    const c = client();
    const filter = { instanceIdFilter: { value: 'i-1', operator: 'Eq' as const } };
    await Promise.all([
      request(c).send(new ListCampaignsCommand({ maxResults: 50 })),
      request(c).send(new ListCampaignsCommand({ maxResults: 50 })),
      request(c).send(new ListCampaignsCommand({ maxResults: 50, nextToken: 't1' })),
      request(c).send(new ListCampaignsCommand({ maxResults: 50, filters: filter })),
      request(c).send(new ListCampaignsCommand({ maxResults: 50, filters: filter })),
      request(c).send(new ListCampaignsCommand({ maxResults: 10 })),
    ]);
    expect(awsMock.commandCalls(ListCampaignsCommand)).toHaveLength(4);
  });

  it('keeps at most READ_CACHE_MAX_ENTRIES answers, dropping the least recently used', async () => {
    describeAnswers(0);
    const c = client(60_000, 2);
    for (const id of ['c1', 'c2', 'c1', 'c3', 'c1', 'c2']) await request(c).send(new DescribeCampaignCommand({ id }));
    expect(awsMock.commandCalls(DescribeCampaignCommand).map((call) => call.args[0].input.id)).toEqual(['c1', 'c2', 'c3', 'c2']);
  });

  it('shares nothing with a maximum age of 0', async () => {
    describeAnswers();
    stateAnswers();
    const c = client(0);
    await Promise.all([request(c), request(c)].map((r) => r.send(new DescribeCampaignCommand({ id: 'c1' }))));
    await Promise.all([request(c), request(c)].map((r) => r.send(new GetCampaignStateBatchCommand({ campaignIds: ['c1'] }))));
    expect(awsMock.commandCalls(DescribeCampaignCommand)).toHaveLength(2);
    expect(batchesAsked()).toEqual([['c1'], ['c1']]);
  });
});
