import { useHarness, type Harness } from '../helpers/gatewayHarness';
import { START_FAULTS } from '../helpers/startCampaignFaults';

const START = /* GraphQL */ `
  mutation Start($id: ID!) {
    startCampaign(id: $id) {
      __typename
      ... on StartCampaignSuccess { campaign { id state } }
      ... on CampaignError { code message retryable requestId }
      ... on InvalidCampaignStateError { state }
      ... on CampaignValidationError { field }
    }
  }
`;

interface StartData {
  startCampaign: (Record<string, unknown> & { __typename: string }) | null;
}

const harness = useHarness({ maxAttempts: 1 });
let h: Harness;
beforeEach(() => {
  h = harness();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function start(id: string) {
  const res = await h.graphql<StartData>(START, { id });
  expect(res.status).toBe(200);
  return res.body;
}

describe('startCampaign over HTTP, gateway + emulator through the real SDK', () => {
  it('starts an initialized campaign and shows its fresh state', async () => {
    const body = await start('demo-spring-renewals');
    expect(body).toEqual({
      data: { startCampaign: { __typename: 'StartCampaignSuccess', campaign: { id: 'demo-spring-renewals', state: 'RUNNING' } } },
    });
    expect(h.emulator.store.get('demo-spring-renewals')?.state).toBe('Running');
  });

  it('answers a second start with InvalidCampaignStateError, state RUNNING', async () => {
    await start('demo-payment-followup');
    const body = await start('demo-payment-followup');
    expect(body.data?.startCampaign).toEqual({
      __typename: 'InvalidCampaignStateError',
      code: 'INVALID_CAMPAIGN_STATE',
      message: expect.any(String),
      retryable: false,
      requestId: expect.stringMatching(UUID),
      state: 'RUNNING',
    });
  });

  it('answers an unknown campaign with CampaignNotFoundError and AWS request id', async () => {
    const body = await start('no-such-campaign');
    expect(body.data?.startCampaign).toMatchObject({
      __typename: 'CampaignNotFoundError',
      code: 'RESOURCE_NOT_FOUND',
      retryable: false,
      requestId: expect.stringMatching(UUID),
    });
  });

  it.each(START_FAULTS)('answers %s with %s carrying AWS message and request id', async (exception, typename, code, retryable) => {
    h.emulator.faults.failNext('StartCampaign', 1, { name: exception, message: `emulated ${exception}` });
    const body = await start('demo-spring-renewals');
    expect(body.data?.startCampaign).toMatchObject({
      __typename: typename,
      code,
      message: `emulated ${exception}`,
      retryable,
      requestId: expect.stringMatching(UUID),
    });
  });

  it.each([['has space'], ['x'.repeat(257)], ['semi;colon'], ['']])(
    'refuses invalid id %j with CampaignValidationError, never reaching AWS',
    async (id) => {
      const body = await start(id);
      expect(body.data?.startCampaign).toMatchObject({
        __typename: 'CampaignValidationError',
        code: 'VALIDATION',
        field: 'id',
        retryable: false,
        requestId: null,
      });
      expect(h.emulator.callCount()).toBe(0);
    },
  );

  it('masks an unmodelled AWS exception as a top-level error with a code, logging the detail', async () => {
    h.emulator.faults.failNext('StartCampaign', 1, { name: 'BrandNewException', message: 'secret internals', status: 400 });
    const res = await h.graphql(START, { id: 'demo-spring-renewals' }, { 'x-request-id': 'req-masked-1' });
    // startCampaign is nullable: the failure nulls the field, not the whole `data`.
    expect(res.body.data).toEqual({ startCampaign: null });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: expect.not.stringContaining('secret'), extensions: { code: 'UPSTREAM_ERROR' }, path: ['startCampaign'] }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('BrandNewException');
    const logged = h.logs.find((l) => l.msg === 'unexpected failure' && l.requestId === 'req-masked-1');
    expect(JSON.stringify(logged)).toContain('BrandNewException');
  });

  it('answers OUTCOME_UNKNOWN when the connection drops after the start was sent', async () => {
    h.emulator.faults.dropNext('StartCampaign', 1);
    const res = await h.graphql(START, { id: 'demo-spring-renewals' });
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'OUTCOME_UNKNOWN' });
  });

  it('writes one audit line per start attempt, with the AWS request id', async () => {
    await h.graphql(START, { id: 'demo-appointment-reminders' }, { 'x-request-id': 'audit-1' });
    const audit = h.logs.filter((l) => l.event === 'campaign.start' && l.requestId === 'audit-1');
    expect(audit).toEqual([
      expect.objectContaining({
        campaignId: 'demo-appointment-reminders',
        principal: 'anonymous',
        outcome: 'StartCampaignSuccess',
        awsRequestId: expect.stringMatching(UUID),
        durationMs: expect.any(Number),
      }),
    ]);
  });
});
