import {
  AccessDeniedException,
  ConflictException,
  ConnectCampaignsV2Client,
  ConnectCampaignsV2ServiceException,
  GetCampaignStateBatchCommand,
  InternalServerException,
  InvalidCampaignStateException,
  PauseCampaignCommand,
  ResourceNotFoundException,
  ResumeCampaignCommand,
  StartCampaignCommand,
  StopCampaignCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-connectcampaignsv2';
import { mockClient } from 'aws-sdk-client-mock';
import { CampaignService } from '../../src/campaigns/campaignService';
import { mockedCampaignsClient, roomyRequestApi } from '../helpers/campaignsApi';
import { Deadline } from '../../src/aws/deadline';
import { CampaignReadError, UpstreamError } from '../../src/campaigns/upstreamError';

const REQUEST_ID = 'aws-req-1';
const meta = { $metadata: { httpStatusCode: 400, requestId: REQUEST_ID }, message: 'AWS says no' };

const awsMock = mockClient(ConnectCampaignsV2Client);
const service = new CampaignService(roomyRequestApi());

beforeEach(() => awsMock.reset());

describe('CampaignService and the SDK handler cache', () => {
  it('sends every call without per-call options, even with a deadline, so the cached middleware stack serves it', async () => {
    awsMock.on(StartCampaignCommand).resolves({ $metadata: { requestId: REQUEST_ID } });
    awsMock.on(GetCampaignStateBatchCommand).resolves({ successfulRequests: [{ campaignId: 'c1', state: 'Running' }] });
    const deadline = Deadline.in(10_000);
    const bounded = new CampaignService(mockedCampaignsClient().forRequest({ deadline }));
    await bounded.run('start', 'c1');
    await bounded.getStates(['c1']);
    deadline.dispose();
    expect(awsMock.calls().map((call) => call.args.length)).toEqual([1, 1]);
  });
});

describe("CampaignService.run('start')", () => {
  it('returns success with the AWS request id', async () => {
    awsMock.on(StartCampaignCommand, { id: 'c1' }).resolves({ $metadata: { requestId: REQUEST_ID } });
    await expect(service.run('start', 'c1')).resolves.toEqual({ ok: true, campaignId: 'c1', requestId: REQUEST_ID });
  });

  it.each([
    ['AccessDeniedException', new AccessDeniedException(meta), false],
    ['ConflictException', new ConflictException(meta), false],
    ['InternalServerException', new InternalServerException(meta), true],
    ['ResourceNotFoundException', new ResourceNotFoundException(meta), false],
    ['ThrottlingException', new ThrottlingException(meta), true],
  ] as const)('maps %s with its message, request id and retryability', async (kind, error, retryable) => {
    awsMock.on(StartCampaignCommand).rejects(error);
    await expect(service.run('start', 'c1')).resolves.toEqual({
      ok: false,
      failure: { kind, message: 'AWS says no', retryable, requestId: REQUEST_ID },
    });
  });

  it('maps InvalidCampaignStateException with the current state', async () => {
    awsMock.on(StartCampaignCommand).rejects(new InvalidCampaignStateException({ ...meta, state: 'Running' }));
    await expect(service.run('start', 'c1')).resolves.toEqual({
      ok: false,
      failure: {
        kind: 'InvalidCampaignStateException',
        message: 'AWS says no',
        retryable: false,
        requestId: REQUEST_ID,
        state: 'Running',
      },
    });
  });

  it('maps ValidationException without a field (AWS does not say which)', async () => {
    awsMock.on(StartCampaignCommand).rejects(new ValidationException(meta));
    await expect(service.run('start', 'c1')).resolves.toEqual({
      ok: false,
      failure: { kind: 'ValidationException', message: 'AWS says no', retryable: false, requestId: REQUEST_ID, field: null },
    });
  });

  it('throws an unmodelled exception as an unexpected upstream error', async () => {
    const unknown = new ConnectCampaignsV2ServiceException({ ...meta, name: 'BrandNewException', $fault: 'client' });
    awsMock.on(StartCampaignCommand).rejects(unknown);
    const err = await service.run('start', 'c1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ operation: 'StartCampaign', code: 'UPSTREAM_ERROR', cause: unknown });
  });

  it('calls a timed-out start OUTCOME_UNKNOWN: AWS may have accepted it', async () => {
    awsMock.on(StartCampaignCommand).rejects(Object.assign(new Error('timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' }));
    await expect(service.run('start', 'c1')).rejects.toMatchObject({ code: 'OUTCOME_UNKNOWN' });
  });

  it('calls a refused connection UPSTREAM_UNAVAILABLE: nothing reached AWS', async () => {
    awsMock.on(StartCampaignCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(service.run('start', 'c1')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it.each(['', 'has space', 'x'.repeat(257)])('refuses invalid id %j without calling AWS', async (id) => {
    const result = await service.run('start', id);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'ValidationException', field: 'id', requestId: null, retryable: false } });
    expect(awsMock.calls()).toHaveLength(0);
  });
});

describe('CampaignService.run: one path for every action', () => {
  it.each([
    ['start', StartCampaignCommand, 'StartCampaign'],
    ['pause', PauseCampaignCommand, 'PauseCampaign'],
    ['resume', ResumeCampaignCommand, 'ResumeCampaign'],
    ['stop', StopCampaignCommand, 'StopCampaign'],
  ] as const)('%s sends %p with the id, maps documented failures, and calls a lost answer OUTCOME_UNKNOWN', async (action, Command, operation) => {
    awsMock
      .on(Command)
      .resolvesOnce({ $metadata: { requestId: REQUEST_ID } })
      .rejectsOnce(new InvalidCampaignStateException({ ...meta, state: 'Stopped' }))
      .rejectsOnce(Object.assign(new Error('timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' }));
    await expect(service.run(action, 'c1')).resolves.toEqual({ ok: true, campaignId: 'c1', requestId: REQUEST_ID });
    expect(awsMock.calls()).toHaveLength(1);
    expect(awsMock.commandCalls(Command)[0]?.args[0].input).toEqual({ id: 'c1' });

    await expect(service.run(action, 'c1')).resolves.toMatchObject({ ok: false, failure: { kind: 'InvalidCampaignStateException', state: 'Stopped' } });

    await expect(service.run(action, 'c1')).rejects.toMatchObject({ operation, code: 'OUTCOME_UNKNOWN' });
  });
});

describe('CampaignService.getStates', () => {
  it('answers in the order asked: states, null for unknown ids, errors for failures', async () => {
    awsMock.on(GetCampaignStateBatchCommand).resolves({
      successfulRequests: [
        { campaignId: 'b', state: 'Paused' },
        { campaignId: 'a', state: 'Running' },
      ],
      failedRequests: [
        { campaignId: 'gone', failureCode: 'ResourceNotFound' },
        { campaignId: 'odd', failureCode: 'UnknownError' },
      ],
    });
    const [a, gone, b, odd, invalid] = await service.getStates(['a', 'gone', 'b', 'odd', 'not valid']);
    expect([a, gone, b, invalid]).toEqual([{ state: 'Running', asOf: expect.any(Number) }, null, { state: 'Paused', asOf: expect.any(Number) }, null]);
    expect(odd).toBeInstanceOf(UpstreamError);
    expect(awsMock.commandCalls(GetCampaignStateBatchCommand)[0]?.args[0].input).toEqual({
      campaignIds: ['a', 'gone', 'b', 'odd'],
    });
  });

  it('throws a documented AWS failure as a read error that keeps its code', async () => {
    awsMock.on(GetCampaignStateBatchCommand).rejects(new ThrottlingException(meta));
    const err = await service.getStates(['a']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CampaignReadError);
    expect(err).toMatchObject({ failure: { kind: 'ThrottlingException', retryable: true, requestId: REQUEST_ID } });
  });

  it('refuses more than 25 ids', async () => {
    await expect(service.getStates(Array.from({ length: 26 }, (_, i) => `c${i}`))).rejects.toThrow(RangeError);
  });
});
