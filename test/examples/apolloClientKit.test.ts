import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import type { FailSpec } from '../../src/emulator';
import { StartCampaignDocument } from '../../examples/apollo-client/__generated__/graphql';
import generated from '../../examples/apollo-client/__generated__/possibleTypes';
import {
  createCampaignClient,
  feedbackFor,
  startCampaign,
  type StartCampaignResult,
  type StartFeedback,
} from '../../examples/apollo-client/startCampaign';
import { startHarness, type Harness } from '../helpers/gatewayHarness';

// The frontend kit (examples/apollo-client), type-checked by `tsc` with the rest and run here
// with a real Apollo Client against the gateway and the emulator.

interface Scenario {
  id: string;
  /** The AWS exception the emulator answers StartCampaign with. */
  fault?: FailSpec;
  expected: Partial<StartFeedback>;
}

const AWS_REQUEST_ID = expect.stringMatching(/^[0-9a-f-]{36}$/);

// Keyed by every member of the union, so the compiler insists on a scenario for each.
const SCENARIOS: Record<StartCampaignResult['__typename'], Scenario> = {
  StartCampaignSuccess: {
    id: 'demo-spring-renewals',
    expected: { tone: 'success', message: 'Campaign demo-spring-renewals started (now running).', awsRequestId: null },
  },
  InvalidCampaignStateError: {
    id: 'demo-running-survey',
    expected: { tone: 'info', message: 'The campaign is running, so it cannot be started.', awsRequestId: AWS_REQUEST_ID },
  },
  CampaignNotFoundError: { id: 'no-such-campaign', expected: { tone: 'error', message: 'No such campaign.', canRetry: false } },
  CampaignValidationError: {
    id: 'not a valid id!',
    expected: { tone: 'error', message: expect.stringMatching(/^Invalid id: /), awsRequestId: null },
  },
  CampaignThrottlingError: {
    id: 'demo-spring-renewals',
    fault: { name: 'ThrottlingException' },
    expected: { tone: 'warning', canRetry: true, awsRequestId: AWS_REQUEST_ID },
  },
  CampaignInternalServerError: {
    id: 'demo-spring-renewals',
    fault: { name: 'InternalServerException' },
    expected: { tone: 'warning', canRetry: true, awsRequestId: AWS_REQUEST_ID },
  },
  CampaignConflictError: {
    id: 'demo-spring-renewals',
    fault: { name: 'ConflictException' },
    expected: { tone: 'warning', canRetry: false, awsRequestId: AWS_REQUEST_ID },
  },
  CampaignAccessDeniedError: {
    id: 'demo-spring-renewals',
    fault: { name: 'AccessDeniedException' },
    expected: { tone: 'error', message: 'You may not start this campaign.', canRetry: false, awsRequestId: AWS_REQUEST_ID },
  },
};

let h: Harness;
let client: ApolloClient;
beforeAll(async () => {
  h = await startHarness({ maxAttempts: 1 });
  client = createCampaignClient(h.url);
});
afterAll(() => h.close());
beforeEach(async () => {
  h.emulator.store.reset();
  h.emulator.faults.clear();
  await client.clearStore();
});

describe('the Apollo Client kit against the gateway', () => {
  it('has a scenario for every member of StartCampaignResult the schema declares', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...generated.possibleTypes.StartCampaignResult].sort());
  });

  it.each(Object.entries(SCENARIOS))('reads %s and handles it', async (typename, { id, fault, expected }) => {
    if (fault) h.emulator.faults.failNext('StartCampaign', 1, fault);
    const { data } = await client.mutate({ mutation: StartCampaignDocument, variables: { id } });
    expect(data?.startCampaign.__typename).toBe(typename);
    expect(feedbackFor(data!.startCampaign)).toEqual(expect.objectContaining(expected));
  });

  it('keeps the fields every error shares, thanks to possibleTypes', async () => {
    h.emulator.faults.failNext('StartCampaign', 1, { name: 'ThrottlingException', message: 'Rate exceeded' });
    const { data } = await client.mutate({ mutation: StartCampaignDocument, variables: { id: 'demo-spring-renewals' } });
    expect(data?.startCampaign).toEqual({
      __typename: 'CampaignThrottlingError',
      code: 'THROTTLING',
      message: 'Rate exceeded',
      retryable: true,
      requestId: AWS_REQUEST_ID,
    });

    // The same client without possibleTypes silently loses them, whatever the generated types say.
    const unaware = new ApolloClient({ link: new HttpLink({ uri: h.url }), cache: new InMemoryCache() });
    h.emulator.faults.failNext('StartCampaign', 1, { name: 'ThrottlingException' });
    const bare = await unaware.mutate({ mutation: StartCampaignDocument, variables: { id: 'demo-spring-renewals' } });
    expect(bare.data?.startCampaign).toEqual({ __typename: 'CampaignThrottlingError' });
  });

  it('updates the normalized Campaign in the cache on success', async () => {
    await startCampaign(client, 'demo-payment-followup');
    const normalized = client.cache.extract() as Record<string, unknown>;
    expect(normalized['Campaign:demo-payment-followup']).toMatchObject({ state: 'RUNNING' });
  });

  it('turns the documented top-level errors into feedback', async () => {
    h.emulator.faults.dropNext('StartCampaign', 1);
    expect(await startCampaign(client, 'demo-spring-renewals')).toMatchObject({
      tone: 'warning',
      canRetry: true,
      message: expect.stringContaining('may or may not have started'),
    });
    h.emulator.faults.failNext('StartCampaign', 1, { name: 'BrandNewException', status: 400 });
    expect(await startCampaign(client, 'demo-appointment-reminders')).toMatchObject({ tone: 'error', canRetry: false });
  });

  it('can send its own x-request-id, which the gateway logs the request under', async () => {
    await client.mutate({
      mutation: StartCampaignDocument,
      variables: { id: 'demo-spring-renewals' },
      context: { headers: { 'x-request-id': 'kit-attempt-1' } },
    });
    expect(h.logs).toContainEqual(expect.objectContaining({ event: 'campaign.start', requestId: 'kit-attempt-1' }));
  });

  it('answers a payload type this build does not know without throwing', () => {
    const fromNewerGateway = { __typename: 'CampaignQuotaExceededError' } as unknown as StartCampaignResult;
    expect(feedbackFor(fromNewerGateway)).toMatchObject({ tone: 'error', message: 'Unexpected answer: CampaignQuotaExceededError' });
  });
});
