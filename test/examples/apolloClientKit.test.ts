import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import type { CampaignStateWire, FailSpec, OperationName } from '../../src/emulator';
import { StartCampaignDocument, type CampaignAction } from '../../examples/apollo-client/__generated__/graphql';
import generated from '../../examples/apollo-client/__generated__/possibleTypes';
import {
  createCampaignClient,
  feedbackFor,
  loadControl,
  runAction,
  type ActionFeedback,
  type CampaignActionResult,
} from '../../examples/apollo-client/campaignControl';
import { startHarness, type Harness } from '../helpers/gatewayHarness';

// The frontend kit (examples/apollo-client), type-checked by `tsc` with the rest and run here
// with a real Apollo Client against the gateway and the emulator.

const AWS_REQUEST_ID = expect.stringMatching(/^[0-9a-f-]{36}$/);
const KIT_ID = 'kit-campaign';

interface ActionCase {
  operation: OperationName;
  union: 'StartCampaignResult' | 'PauseCampaignResult' | 'ResumeCampaignResult' | 'StopCampaignResult';
  success: CampaignActionResult['__typename'];
  /** A state the action is accepted in, and one it is refused in. */
  accepted: CampaignStateWire;
  refused: CampaignStateWire;
  done: string;
  after: string;
  verb: string;
}

const ACTIONS: Record<CampaignAction, ActionCase> = {
  START: { operation: 'StartCampaign', union: 'StartCampaignResult', success: 'StartCampaignSuccess', accepted: 'Initialized', refused: 'Stopped', done: 'started', after: 'running', verb: 'start' },
  PAUSE: { operation: 'PauseCampaign', union: 'PauseCampaignResult', success: 'PauseCampaignSuccess', accepted: 'Running', refused: 'Failed', done: 'paused', after: 'paused', verb: 'pause' },
  RESUME: { operation: 'ResumeCampaign', union: 'ResumeCampaignResult', success: 'ResumeCampaignSuccess', accepted: 'Paused', refused: 'Stopped', done: 'resumed', after: 'running', verb: 'resume' },
  STOP: { operation: 'StopCampaign', union: 'StopCampaignResult', success: 'StopCampaignSuccess', accepted: 'Running', refused: 'Completed', done: 'stopped', after: 'stopped', verb: 'stop' },
};

type ErrorTypename = Exclude<CampaignActionResult['__typename'], `${string}Success`>;

interface Scenario {
  /** The id to act on, and the state the kit's campaign is put in first. */
  id: string;
  state?: (c: ActionCase) => CampaignStateWire;
  /** The AWS exception the emulator answers the operation with. */
  fault?: FailSpec;
  expected: (c: ActionCase) => Partial<ActionFeedback>;
}

// Keyed by every error member of the unions, so the compiler insists on a scenario for each.
const ERRORS: Record<ErrorTypename, Scenario> = {
  InvalidCampaignStateError: {
    id: KIT_ID,
    state: (c) => c.refused,
    expected: (c) => ({ tone: 'warning', message: `The campaign is ${c.refused.toLowerCase()}, so it cannot be ${c.done}.`, awsRequestId: AWS_REQUEST_ID }),
  },
  CampaignNotFoundError: { id: 'no-such-campaign', expected: () => ({ tone: 'error', message: 'No such campaign.', canRetry: false }) },
  CampaignValidationError: { id: 'not a valid id!', expected: () => ({ tone: 'error', message: expect.stringMatching(/^Invalid id: /), awsRequestId: null }) },
  CampaignThrottlingError: { id: KIT_ID, fault: { name: 'ThrottlingException' }, expected: () => ({ tone: 'warning', canRetry: true, awsRequestId: AWS_REQUEST_ID }) },
  CampaignInternalServerError: { id: KIT_ID, fault: { name: 'InternalServerException' }, expected: () => ({ tone: 'warning', canRetry: true, awsRequestId: AWS_REQUEST_ID }) },
  CampaignConflictError: { id: KIT_ID, fault: { name: 'ConflictException' }, expected: () => ({ tone: 'warning', canRetry: false, awsRequestId: AWS_REQUEST_ID }) },
  CampaignAccessDeniedError: {
    id: KIT_ID,
    fault: { name: 'AccessDeniedException' },
    expected: (c) => ({ tone: 'error', message: `You may not ${c.verb} this campaign.`, canRetry: false, awsRequestId: AWS_REQUEST_ID }),
  },
};

const CASES = (Object.keys(ACTIONS) as CampaignAction[]).flatMap((action) => [
  { action, typename: ACTIONS[action].success as string, scenario: undefined as Scenario | undefined },
  ...Object.entries(ERRORS).map(([typename, scenario]) => ({ action, typename, scenario })),
]);

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
  it.each(Object.values(ACTIONS))('has a scenario for every member of $union the schema declares', ({ union, success }) => {
    expect([success, ...Object.keys(ERRORS)].sort()).toEqual([...generated.possibleTypes[union]].sort());
  });

  it.each(CASES)('$action: reads $typename and handles it', async ({ action, typename, scenario }) => {
    const c = ACTIONS[action];
    h.emulator.store.put({ id: KIT_ID, state: scenario?.state?.(c) ?? c.accepted });
    if (scenario?.fault) h.emulator.faults.failNext(c.operation, 1, scenario.fault);
    const logged = h.logs.length;
    const feedback = await runAction(client, action, scenario?.id ?? KIT_ID);
    expect(feedback).toEqual(
      expect.objectContaining(
        scenario ? scenario.expected(c) : { tone: 'success', message: `Campaign ${KIT_ID} ${c.done} (now ${c.after}).`, awsRequestId: null },
      ),
    );
    // The gateway's audit line names the very payload the kit handled.
    expect(h.logs.slice(logged)).toContainEqual(expect.objectContaining({ event: `campaign.${c.verb}`, outcome: typename }));
  });

  it('offers exactly the buttons AWS would accept, and follows the campaign through the cache', async () => {
    const enabled = async () => ((await loadControl(client, 'demo-spring-renewals')) ?? []).filter((b) => b.enabled).map((b) => b.action);
    expect(await enabled()).toEqual(['START']);
    await runAction(client, 'START', 'demo-spring-renewals');
    // The success payload's campaign (same fields as the query) updated the normalized entry.
    expect((client.cache.extract() as Record<string, unknown>)['Campaign:demo-spring-renewals']).toMatchObject({
      state: 'RUNNING',
      availableActions: ['PAUSE', 'STOP'],
    });
    expect(await enabled()).toEqual(['PAUSE', 'STOP']);
    await runAction(client, 'PAUSE', 'demo-spring-renewals');
    expect(await enabled()).toEqual(['RESUME', 'STOP']);
    await runAction(client, 'STOP', 'demo-spring-renewals');
    expect(await enabled()).toEqual([]);
    expect(await loadControl(client, 'no-such-campaign')).toBeNull();
  });

  it('disables every button when the state cannot be read', async () => {
    h.emulator.faults.failNext('GetCampaignStateBatch', 1, { name: 'ThrottlingException' });
    // errorPolicy 'all' would be needed to read the campaign beside the field error; the kit's
    // query uses the default and so rejects: the UI shows no control rather than guessing.
    await expect(loadControl(client, 'demo-spring-renewals')).rejects.toThrow();
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

  it.each(['START', 'STOP'] as const)('turns the documented top-level errors of %s into feedback', async (action) => {
    const c = ACTIONS[action];
    h.emulator.store.put({ id: KIT_ID, state: c.accepted });
    h.emulator.faults.dropNext(c.operation, 1);
    expect(await runAction(client, action, KIT_ID)).toMatchObject({
      tone: 'warning',
      canRetry: true,
      message: expect.stringContaining(`may or may not have been ${c.done}`),
    });
    h.emulator.faults.failNext(c.operation, 1, { name: 'BrandNewException', status: 400 });
    expect(await runAction(client, action, KIT_ID)).toMatchObject({ tone: 'error', canRetry: false });
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
    const fromNewerGateway = { __typename: 'CampaignQuotaExceededError' } as unknown as CampaignActionResult;
    expect(feedbackFor('START', fromNewerGateway)).toMatchObject({ tone: 'error', message: 'Unexpected answer: CampaignQuotaExceededError' });
  });
});
