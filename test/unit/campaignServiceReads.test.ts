import {
  AccessDeniedException,
  ConnectCampaignsV2Client,
  ConnectCampaignsV2ServiceException,
  DescribeCampaignCommand,
  ListCampaignsCommand,
  ResourceNotFoundException,
  ValidationException,
  type Campaign,
  type CampaignSummary as AwsCampaignSummary,
  type ListCampaignsCommandInput,
} from '@aws-sdk/client-connectcampaignsv2';
import { mockClient } from 'aws-sdk-client-mock';
import { CampaignService } from '../../src/campaigns/campaignService';
import { roomyRequestApi } from '../helpers/campaignsApi';
import { CampaignReadError, UpstreamError } from '../../src/campaigns/upstreamError';

const awsMock = mockClient(ConnectCampaignsV2Client);
const service = new CampaignService(roomyRequestApi());
const meta = { $metadata: { httpStatusCode: 400, requestId: 'aws-req-1' }, message: 'AWS says no' };

beforeEach(() => awsMock.reset());

function awsCampaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: 'c1',
    arn: 'arn:aws:connect-campaigns:us-east-1:123456789012:campaign/c1',
    name: 'Campaign one',
    connectInstanceId: 'instance-1',
    type: 'MANAGED',
    channelSubtypeConfig: {
      telephony: {
        capacity: 0.5,
        connectQueueId: 'queue-1',
        outboundMode: { predictive: { bandwidthAllocation: 0.8 } },
        defaultOutboundConfig: {
          connectContactFlowId: 'flow-1',
          connectSourcePhoneNumber: '+12065550100',
          answerMachineDetectionConfig: { enableAnswerMachineDetection: false },
          ringTimeout: 30,
        },
      },
      sms: { outboundMode: { agentless: {} }, defaultOutboundConfig: { connectSourcePhoneNumberArn: 'arn:p', wisdomTemplateArn: 'arn:t' } },
    },
    source: { eventTrigger: { customerProfilesDomainArn: 'arn:domain' } },
    connectCampaignFlowArn: 'arn:flow',
    schedule: { startTime: new Date('2025-01-01T00:00:00Z'), endTime: new Date('2025-02-01T00:00:00Z') },
    communicationTimeConfig: { localTimeZoneConfig: { defaultTimeZone: 'Europe/Berlin' } },
    tags: { team: 'growth', cost: '42' },
    ...overrides,
  };
}

describe('CampaignService.describe', () => {
  it('maps what DescribeCampaign tells', async () => {
    awsMock.on(DescribeCampaignCommand, { id: 'c1' }).resolves({ campaign: awsCampaign() });
    await expect(service.describe('c1')).resolves.toEqual({
      id: 'c1',
      arn: 'arn:aws:connect-campaigns:us-east-1:123456789012:campaign/c1',
      name: 'Campaign one',
      connectInstanceId: 'instance-1',
      type: 'MANAGED',
      channelSubtypes: ['TELEPHONY', 'SMS'],
      schedule: { startTime: '2025-01-01T00:00:00.000Z', endTime: '2025-02-01T00:00:00.000Z', refreshFrequency: null },
      connectCampaignFlowArn: 'arn:flow',
      source: { customerProfilesSegmentArn: null, customerProfilesDomainArn: 'arn:domain' },
      telephony: {
        outboundMode: 'PREDICTIVE',
        bandwidthAllocation: 0.8,
        capacity: 0.5,
        connectQueueId: 'queue-1',
        connectContactFlowId: 'flow-1',
        connectSourcePhoneNumber: '+12065550100',
        answerMachineDetection: false,
        ringTimeoutSeconds: 30,
      },
      timeZone: 'Europe/Berlin',
      tags: [
        { key: 'cost', value: '42' },
        { key: 'team', value: 'growth' },
      ],
    });
  });

  it.each([
    [{ agentless: {} }, 'AGENTLESS', null],
    [{ progressive: { bandwidthAllocation: 1 } }, 'PROGRESSIVE', 1],
    [{ preview: { bandwidthAllocation: 0.3, timeoutConfig: { durationInSeconds: 20 } } }, 'PREVIEW', 0.3],
    [{ $unknown: ['futureMode', {}] }, null, null],
  ] as const)('maps outbound mode %j', async (outboundMode, mode, bandwidth) => {
    const campaign = awsCampaign();
    campaign.channelSubtypeConfig!.telephony!.outboundMode = outboundMode as never;
    awsMock.on(DescribeCampaignCommand).resolves({ campaign });
    await expect(service.describe('c1')).resolves.toMatchObject({ telephony: { outboundMode: mode, bandwidthAllocation: bandwidth } });
  });

  it('answers absent optional parts as null or empty, and an unknown campaign type as null', async () => {
    awsMock.on(DescribeCampaignCommand).resolves({
      campaign: { id: 'c1', arn: 'a', name: 'n', connectInstanceId: 'i', type: 'FUTURE_TYPE' as never },
    });
    await expect(service.describe('c1')).resolves.toEqual({
      id: 'c1',
      arn: 'a',
      name: 'n',
      connectInstanceId: 'i',
      type: null,
      channelSubtypes: [],
      schedule: null,
      connectCampaignFlowArn: null,
      source: null,
      telephony: null,
      timeZone: null,
      tags: [],
    });
  });

  it('answers null for ResourceNotFoundException', async () => {
    awsMock.on(DescribeCampaignCommand).rejects(new ResourceNotFoundException(meta));
    await expect(service.describe('c1')).resolves.toBeNull();
  });

  it('answers null for an id that cannot exist, without calling AWS', async () => {
    await expect(service.describe('no spaces')).resolves.toBeNull();
    expect(awsMock.calls()).toHaveLength(0);
  });

  it('throws a documented failure as CampaignReadError', async () => {
    awsMock.on(DescribeCampaignCommand).rejects(new AccessDeniedException(meta));
    await expect(service.describe('c1')).rejects.toMatchObject({
      constructor: CampaignReadError,
      operation: 'DescribeCampaign',
      failure: { kind: 'AccessDeniedException', requestId: 'aws-req-1', retryable: false },
    });
  });

  it('throws an unmodelled failure as UpstreamError', async () => {
    awsMock.on(DescribeCampaignCommand).rejects(new ConnectCampaignsV2ServiceException({ ...meta, name: 'Odd', $fault: 'server' }));
    await expect(service.describe('c1')).rejects.toBeInstanceOf(UpstreamError);
  });
});

const rowId = (i: number) => `r${String(i).padStart(3, '0')}`;
const rowIds = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => rowId(from + i));

/** An AWS listing of `total` campaigns (ids r000, r001, ...) that answers pages of `pageSize` at most. */
function answerList(total: number, pageSize = 50): void {
  const all: AwsCampaignSummary[] = Array.from({ length: total }, (_, i) => {
    const id = rowId(i);
    return { id, arn: `arn:${id}`, name: `Row ${i}`, connectInstanceId: 'i', channelSubtypes: ['TELEPHONY', 'FAX' as never] };
  });
  awsMock.on(ListCampaignsCommand).callsFake((input: ListCampaignsCommandInput) => {
    const start = input.nextToken ? Number(input.nextToken.slice('tok-'.length)) : 0;
    const size = Math.min(input.maxResults ?? 50, pageSize);
    const end = Math.min(start + size, all.length);
    return { campaignSummaryList: all.slice(start, end), nextToken: end < all.length ? `tok-${end}` : undefined };
  });
}

function listInputs(): ListCampaignsCommandInput[] {
  return awsMock.commandCalls(ListCampaignsCommand).map((call) => call.args[0].input);
}

describe('CampaignService.list', () => {
  it('always asks AWS for pages of 50, passing the instance filter', async () => {
    answerList(10);
    await service.list({ first: 3, after: null, connectInstanceId: 'inst-1' });
    expect(listInputs()).toEqual([{ maxResults: 50, filters: { instanceIdFilter: { value: 'inst-1', operator: 'Eq' } } }]);
  });

  it('ends a page mid AWS page, and resumes there from the same AWS page', async () => {
    answerList(60);
    const page = await service.list({ first: 20, after: null, connectInstanceId: null });
    expect(page.items.map((i) => i.campaign.id)).toEqual(rowIds(0, 20));
    expect(page).toMatchObject({ hasNextPage: true, end: { token: null, offset: 20 } });
    const next = await service.list({ first: 2, after: page.end, connectInstanceId: null });
    expect(next.items.map((i) => i.campaign.id)).toEqual(rowIds(20, 22));
  });

  it('places the end of an AWS page at the start of the next, so resuming costs no extra call', async () => {
    answerList(60);
    const page = await service.list({ first: 50, after: null, connectInstanceId: null });
    expect(page).toMatchObject({ hasNextPage: true, end: { token: 'tok-50', offset: 0 } });
    awsMock.resetHistory();
    const next = await service.list({ first: 50, after: page.end, connectInstanceId: null });
    expect(next.items).toHaveLength(10);
    expect(next.hasNextPage).toBe(false);
    expect(listInputs()).toEqual([{ maxResults: 50, nextToken: 'tok-50' }]);
  });

  it('spans three AWS pages for 100 campaigns that start mid-page', async () => {
    answerList(200);
    const page = await service.list({ first: 100, after: { token: null, offset: 30 }, connectInstanceId: null });
    expect(page.items.map((i) => i.campaign.id)).toEqual(rowIds(30, 130));
    expect(page).toMatchObject({ hasNextPage: true, end: { token: 'tok-100', offset: 30 } });
    expect(listInputs().map((input) => input.nextToken)).toEqual([undefined, 'tok-50', 'tok-100']);
  });

  it('keeps asking while AWS answers short pages, up to 4 calls, then reports more to come', async () => {
    answerList(30, 2);
    const page = await service.list({ first: 20, after: null, connectInstanceId: null });
    expect(page.items.map((i) => i.campaign.id)).toEqual(rowIds(0, 8));
    expect(page).toMatchObject({ hasNextPage: true, end: { token: 'tok-8', offset: 0 } });
    expect(listInputs()).toHaveLength(4);
  });

  it('answers an empty page with no end when AWS lists nothing', async () => {
    answerList(0);
    await expect(service.list({ first: 5, after: null, connectInstanceId: null })).resolves.toEqual({ items: [], hasNextPage: false, end: null });
  });

  it('leaves out channel subtypes it does not know', async () => {
    answerList(1);
    const page = await service.list({ first: 1, after: null, connectInstanceId: null });
    expect(page.items[0]?.campaign.channelSubtypes).toEqual(['TELEPHONY']);
  });

  it('throws a documented failure as CampaignReadError', async () => {
    awsMock.on(ListCampaignsCommand).rejects(new ValidationException(meta));
    await expect(service.list({ first: 5, after: { token: 'stale', offset: 0 }, connectInstanceId: null })).rejects.toMatchObject({
      constructor: CampaignReadError,
      operation: 'ListCampaigns',
      failure: { kind: 'ValidationException' },
    });
  });

  it.each([0, 101, 1.5])('refuses first = %d', async (first) => {
    await expect(service.list({ first, after: null, connectInstanceId: null })).rejects.toThrow(RangeError);
  });
});
