import {
  AccessDeniedException,
  ConflictException,
  ConnectCampaignsV2ServiceException,
  DescribeCampaignCommand,
  GetCampaignStateCommand,
  InternalServerException,
  InvalidCampaignStateException,
  PauseCampaignCommand,
  ResourceNotFoundException,
  StartCampaignCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-connectcampaignsv2';
import { caught, raw, UUID_PATTERN, useEmulatorWithClient } from './helpers';

/** Every documented StartCampaign exception parses into the SDK's own class. */
const DOCUMENTED: ReadonlyArray<{ name: string; ctor: new (...args: never[]) => Error; status: number }> = [
  { name: 'AccessDeniedException', ctor: AccessDeniedException, status: 403 },
  { name: 'ConflictException', ctor: ConflictException, status: 409 },
  { name: 'InternalServerException', ctor: InternalServerException, status: 500 },
  { name: 'InvalidCampaignStateException', ctor: InvalidCampaignStateException, status: 409 },
  { name: 'ResourceNotFoundException', ctor: ResourceNotFoundException, status: 404 },
  { name: 'ThrottlingException', ctor: ThrottlingException, status: 429 },
  { name: 'ValidationException', ctor: ValidationException, status: 400 },
];

describe('emulator errors through the real SDK', () => {
  const fx = useEmulatorWithClient();

  it.each(DOCUMENTED)('failNext $name parses into the SDK class with status $status', async ({ name, ctor, status }) => {
    fx.emulator.faults.failNext('StartCampaign', 1, { name, message: `injected ${name}` });
    const error = await caught(() => fx.client.send(new StartCampaignCommand({ id: 'demo-spring-renewals' })));
    expect(error).toBeInstanceOf(ctor);
    expect(error).toBeInstanceOf(ConnectCampaignsV2ServiceException);
    const e = error as ConnectCampaignsV2ServiceException;
    expect(e.name).toBe(name);
    expect(e.message).toBe(`injected ${name}`);
    expect(e.$metadata.httpStatusCode).toBe(status);
    expect(e.$metadata.requestId).toMatch(UUID_PATTERN);
    expect(e.$fault).toBe(status >= 500 ? 'server' : 'client');
    // The fault answered without running the operation.
    expect(fx.emulator.store.get('demo-spring-renewals')?.state).toBe('Initialized');
    // Only one call was failed: the next one runs for real.
    await fx.client.send(new StartCampaignCommand({ id: 'demo-spring-renewals' }));
    expect(fx.emulator.store.get('demo-spring-renewals')?.state).toBe('Running');
  });

  it('injected InvalidCampaignStateException carries the given state', async () => {
    fx.emulator.faults.failNext('StartCampaign', 1, { name: 'InvalidCampaignStateException', state: 'Paused' });
    const error = await caught(() => fx.client.send(new StartCampaignCommand({ id: 'demo-spring-renewals' })));
    expect(error).toBeInstanceOf(InvalidCampaignStateException);
    expect((error as InvalidCampaignStateException).state).toBe('Paused');
  });

  it('injected InvalidCampaignStateException defaults to the campaign state', async () => {
    fx.emulator.faults.failNext('PauseCampaign', 1, { name: 'InvalidCampaignStateException' });
    const error = await caught(() => fx.client.send(new StartCampaignCommand({ id: 'demo-paused-winback' })));
    // StartCampaign was not armed: this is the real state machine answering.
    expect((error as InvalidCampaignStateException).state).toBe('Paused');
    const injected = await caught(() => fx.client.send(new PauseCampaignCommand({ id: 'demo-spring-renewals' })));
    expect(injected).toBeInstanceOf(InvalidCampaignStateException);
    expect((injected as InvalidCampaignStateException).state).toBe('Initialized');
  });

  it('unknown id gives ResourceNotFoundException (404)', async () => {
    const error = await caught(() => fx.client.send(new DescribeCampaignCommand({ id: 'no-such-campaign' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    const e = error as ResourceNotFoundException;
    expect(e.$metadata.httpStatusCode).toBe(404);
    expect(e.$metadata.requestId).toMatch(UUID_PATTERN);
    expect(e.message).toContain('no-such-campaign');
  });

  it('starting a Running campaign gives InvalidCampaignStateException with state Running', async () => {
    await fx.client.send(new StartCampaignCommand({ id: 'demo-payment-followup' }));
    const error = await caught(() => fx.client.send(new StartCampaignCommand({ id: 'demo-payment-followup' })));
    expect(error).toBeInstanceOf(InvalidCampaignStateException);
    const e = error as InvalidCampaignStateException;
    expect(e.state).toBe('Running');
    expect(e.$metadata.httpStatusCode).toBe(409);
    expect(e.$metadata.requestId).toMatch(UUID_PATTERN);
    expect(e.message).toMatch(/Running/);
  });

  it('an unmodelled error name arrives as ConnectCampaignsV2ServiceException with that name', async () => {
    fx.emulator.faults.failNext('GetCampaignState', 1, { name: 'SomethingNewException', message: 'brand new' });
    const error = await caught(() => fx.client.send(new GetCampaignStateCommand({ id: 'demo-spring-renewals' })));
    expect(error).toBeInstanceOf(ConnectCampaignsV2ServiceException);
    expect(error).not.toBeInstanceOf(ValidationException);
    const e = error as ConnectCampaignsV2ServiceException;
    expect(e.name).toBe('SomethingNewException');
    expect(e.message).toBe('brand new');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.$metadata.requestId).toMatch(UUID_PATTERN);
  });

  it('an unmodelled error honours its status', async () => {
    fx.emulator.faults.failNext('GetCampaignState', 1, { name: 'ServiceUnavailableException', status: 503 });
    const error = (await caught(() =>
      fx.client.send(new GetCampaignStateCommand({ id: 'demo-spring-renewals' })),
    )) as ConnectCampaignsV2ServiceException;
    expect(error.name).toBe('ServiceUnavailableException');
    expect(error.$metadata.httpStatusCode).toBe(503);
    expect(error.$fault).toBe('server');
  });

  it('failNext counts down per call and per operation', async () => {
    fx.emulator.faults.failNext('GetCampaignState', 2, { name: 'AccessDeniedException' });
    const send = () => fx.client.send(new GetCampaignStateCommand({ id: 'demo-spring-renewals' }));
    await expect(send()).rejects.toBeInstanceOf(AccessDeniedException);
    // Other operations are untouched.
    await fx.client.send(new DescribeCampaignCommand({ id: 'demo-spring-renewals' }));
    await expect(send()).rejects.toBeInstanceOf(AccessDeniedException);
    await expect(send()).resolves.toMatchObject({ state: 'Initialized' });
  });

  it('ids failing the CampaignId pattern give ValidationException', async () => {
    const bad = await caught(() => fx.client.send(new StartCampaignCommand({ id: 'has space' })));
    expect(bad).toBeInstanceOf(ValidationException);
    expect((bad as ValidationException).message).toMatch(/regular expression pattern/);
    const empty = await caught(() => fx.client.send(new GetCampaignStateCommand({ id: '' })));
    expect(empty).toBeInstanceOf(ValidationException);
    const long = await caught(() => fx.client.send(new GetCampaignStateCommand({ id: 'a'.repeat(257) })));
    expect(long).toBeInstanceOf(ValidationException);
  });

  it('writes the AWS error headers and body', async () => {
    const res = await raw(fx.emulator.url, 'POST', '/v2/campaigns/demo-running-survey/start');
    expect(res.status).toBe(409);
    expect(res.headers['x-amzn-errortype']).toBe(
      'InvalidCampaignStateException:http://internal.amazon.com/coral/com.amazonaws.connectcampaignsv2/',
    );
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-amzn-requestid']).toMatch(UUID_PATTERN);
    expect(res.headers['date']).toBeDefined();
    expect(JSON.parse(res.body)).toEqual({ message: expect.any(String), state: 'Running' });
  });

  it('answers an unknown route with a 404 UnknownOperationException', async () => {
    const res = await raw(fx.emulator.url, 'GET', '/v2/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['x-amzn-errortype']).toMatch(/^UnknownOperationException:/);
    expect(res.headers['x-amzn-requestid']).toMatch(UUID_PATTERN);
    const wrongMethod = await raw(fx.emulator.url, 'GET', '/v2/campaigns/demo-spring-renewals/start');
    expect(wrongMethod.status).toBe(404);
    expect(fx.emulator.callCount()).toBe(0);
  });

  it('answers malformed JSON with ValidationException', async () => {
    const res = await raw(fx.emulator.url, 'POST', '/v2/campaigns-state', '{"campaignIds": [');
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toMatch(/^ValidationException:/);
    expect(JSON.parse(res.body)).toEqual({ message: expect.any(String) });
    const list = await raw(fx.emulator.url, 'POST', '/v2/campaigns-summary', 'not json');
    expect(list.status).toBe(400);
  });

  it('answers malformed percent-encoding with ValidationException', async () => {
    const res = await raw(fx.emulator.url, 'GET', '/v2/campaigns/bad%ZZid/state');
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toMatch(/^ValidationException:/);
  });
});
