import type { CampaignStateWire, OperationName } from '../../src/emulator';
import { useHarness, type Harness } from '../helpers/gatewayHarness';
import { parseSamples, valueOf } from '../helpers/prometheus';
import { ACTION_FAULTS } from '../helpers/actionFaults';

// The four lifecycle actions over real HTTP: gateway + emulator through the real SDK. What each
// action must do is written out here from the documented lifecycle (docs/api.md), not read from the
// action table it checks.

interface ActionCase {
  action: 'start' | 'pause' | 'resume' | 'stop';
  field: string;
  operation: OperationName;
  success: string;
  /** A state AWS accepts the action in, the state it leads to, and a state AWS refuses it in. */
  from: CampaignStateWire;
  to: string;
  refusedIn: CampaignStateWire;
}

const ACTIONS: ActionCase[] = [
  { action: 'start', field: 'startCampaign', operation: 'StartCampaign', success: 'StartCampaignSuccess', from: 'Initialized', to: 'RUNNING', refusedIn: 'Running' },
  { action: 'pause', field: 'pauseCampaign', operation: 'PauseCampaign', success: 'PauseCampaignSuccess', from: 'Running', to: 'PAUSED', refusedIn: 'Paused' },
  { action: 'resume', field: 'resumeCampaign', operation: 'ResumeCampaign', success: 'ResumeCampaignSuccess', from: 'Paused', to: 'RUNNING', refusedIn: 'Initialized' },
  { action: 'stop', field: 'stopCampaign', operation: 'StopCampaign', success: 'StopCampaignSuccess', from: 'Paused', to: 'STOPPED', refusedIn: 'Stopped' },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID = 'lifecycle-1';

const selection = (success: string) => `{
  __typename
  ... on ${success} { campaign { id state availableActions } }
  ... on CampaignError { code message retryable requestId }
  ... on InvalidCampaignStateError { state }
  ... on CampaignValidationError { field }
}`;
const mutation = (c: ActionCase) => `mutation Act($id: ID!) { ${c.field}(id: $id) ${selection(c.success)} }`;

const harness = useHarness({ maxAttempts: 1 });
let h: Harness;
beforeEach(() => {
  h = harness();
});

let requests = 0;
/** Runs one action; returns its payload (or null), the errors, and the audit lines of the request. */
async function act(c: ActionCase, id: string) {
  const requestId = `lifecycle-${++requests}`;
  const res = await h.graphql<Record<string, Record<string, unknown> | null>>(mutation(c), { id }, { 'x-request-id': requestId });
  expect(res.status).toBe(200);
  const audit = h.logs.filter((l) => typeof l.event === 'string' && l.event.startsWith('campaign.') && l.requestId === requestId);
  return { payload: res.body.data?.[c.field], errors: res.body.errors, audit };
}

describe.each(ACTIONS)('$field: every member of its union', (c) => {
  it(`${c.success}: AWS accepted it; the campaign shows its fresh state and actions`, async () => {
    h.emulator.store.put({ id: ID, state: c.from });
    const { payload, audit } = await act(c, ID);
    expect(payload).toEqual({ __typename: c.success, campaign: { id: ID, state: c.to, availableActions: expect.any(Array) } });
    expect(h.emulator.store.get(ID)?.state.toUpperCase()).toBe(c.to);
    expect(h.emulator.callCount(c.operation)).toBe(1);
    expect(audit).toEqual([
      expect.objectContaining({
        event: `campaign.${c.action}`,
        campaignId: ID,
        principal: 'anonymous',
        outcome: c.success,
        awsRequestId: expect.stringMatching(UUID),
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it(`InvalidCampaignStateError: AWS refused it in state ${c.refusedIn}, which it reports`, async () => {
    h.emulator.store.put({ id: ID, state: c.refusedIn });
    const { payload, audit } = await act(c, ID);
    expect(payload).toEqual({
      __typename: 'InvalidCampaignStateError',
      code: 'INVALID_CAMPAIGN_STATE',
      message: expect.any(String),
      retryable: false,
      requestId: expect.stringMatching(UUID),
      state: c.refusedIn.toUpperCase(),
    });
    expect(h.emulator.store.get(ID)?.state).toBe(c.refusedIn);
    expect(audit).toEqual([expect.objectContaining({ event: `campaign.${c.action}`, outcome: 'InvalidCampaignStateError' })]);
  });

  it(`InvalidCampaignStateError with state ${c.to} for the same action again: the first took effect, so a retry is safe`, async () => {
    h.emulator.store.put({ id: ID, state: c.from });
    expect((await act(c, ID)).payload).toMatchObject({ __typename: c.success });
    const { payload } = await act(c, ID);
    expect(payload).toMatchObject({ __typename: 'InvalidCampaignStateError', code: 'INVALID_CAMPAIGN_STATE', retryable: false, state: c.to });
    expect(h.emulator.callCount(c.operation)).toBe(2);
  });

  it('CampaignNotFoundError: AWS does not know the campaign', async () => {
    const { payload } = await act(c, 'no-such-campaign');
    expect(payload).toMatchObject({ __typename: 'CampaignNotFoundError', code: 'RESOURCE_NOT_FOUND', retryable: false, requestId: expect.stringMatching(UUID) });
  });

  it.each([['not a valid id!'], ['has space'], ['x'.repeat(257)], ['semi;colon'], ['']])(
    'CampaignValidationError with field "id" and no request id for %j: the gateway refused the id, AWS was not called',
    async (id) => {
      const { payload, audit } = await act(c, id);
      expect(payload).toMatchObject({ __typename: 'CampaignValidationError', code: 'VALIDATION', field: 'id', retryable: false, requestId: null });
      expect(h.emulator.callCount()).toBe(0);
      expect(audit).toEqual([expect.objectContaining({ event: `campaign.${c.action}`, outcome: 'CampaignValidationError', awsRequestId: null })]);
    },
  );

  it.each(ACTION_FAULTS)('answers %s with %s carrying AWS message and request id', async (exception, typename, code, retryable) => {
    h.emulator.store.put({ id: ID, state: c.from });
    h.emulator.faults.failNext(c.operation, 1, { name: exception, message: `emulated ${exception}` });
    const { payload, audit } = await act(c, ID);
    expect(payload).toMatchObject({ __typename: typename, code, message: `emulated ${exception}`, retryable, requestId: expect.stringMatching(UUID) });
    expect(h.emulator.store.get(ID)?.state).toBe(c.from);
    expect(audit).toEqual([expect.objectContaining({ event: `campaign.${c.action}`, outcome: typename, awsRequestId: expect.stringMatching(UUID) })]);
  });

  it('is null with UPSTREAM_ERROR for an unmodelled AWS exception, whose detail goes to the log only', async () => {
    h.emulator.store.put({ id: ID, state: c.from });
    h.emulator.faults.failNext(c.operation, 1, { name: 'BrandNewException', message: 'secret internals', status: 400 });
    const requestId = `masked-${c.action}`;
    const res = await h.graphql<Record<string, unknown>>(mutation(c), { id: ID }, { 'x-request-id': requestId });
    expect(res.status).toBe(200);
    // The field is nullable: the failure nulls it, not the whole `data`.
    expect(res.body.data).toEqual({ [c.field]: null });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: expect.not.stringContaining('secret'), extensions: { code: 'UPSTREAM_ERROR' }, path: [c.field] }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('BrandNewException');
    const logged = h.logs.find((l) => l.msg === 'unexpected failure' && l.requestId === requestId);
    expect(JSON.stringify(logged)).toContain('BrandNewException');
  });

  it('is null with OUTCOME_UNKNOWN at its path when the answer is lost, and audited as such', async () => {
    h.emulator.store.put({ id: ID, state: c.from });
    h.emulator.faults.dropNext(c.operation, 1);
    const { payload, errors, audit } = await act(c, ID);
    expect(payload).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ path: [c.field], extensions: { code: 'OUTCOME_UNKNOWN' } })]);
    expect(audit).toEqual([expect.objectContaining({ event: `campaign.${c.action}`, outcome: 'error', errorCode: 'OUTCOME_UNKNOWN' })]);
  });
});

describe('the seeded demo campaigns, as the README tour uses them', () => {
  it('starts demo-spring-renewals, stops it, and answers a second stop with InvalidCampaignStateError, state STOPPED', async () => {
    const [start, , , stop] = ACTIONS;
    expect((await act(start!, 'demo-spring-renewals')).payload).toEqual({
      __typename: 'StartCampaignSuccess',
      campaign: { id: 'demo-spring-renewals', state: 'RUNNING', availableActions: ['PAUSE', 'STOP'] },
    });
    expect(h.emulator.store.get('demo-spring-renewals')?.state).toBe('Running');
    expect((await act(stop!, 'demo-spring-renewals')).payload).toMatchObject({ __typename: 'StopCampaignSuccess', campaign: { state: 'STOPPED', availableActions: [] } });
    expect((await act(stop!, 'demo-spring-renewals')).payload).toMatchObject({
      __typename: 'InvalidCampaignStateError',
      code: 'INVALID_CAMPAIGN_STATE',
      retryable: false,
      requestId: expect.stringMatching(UUID),
      state: 'STOPPED',
    });
  });
});

describe('one audit line and one counter tick per attempt of every action', () => {
  it('counts campaign_gateway_action_total by action and outcome, and starts in campaign_gateway_start_total too', async () => {
    const before = parseSamples(await h.scrapeMetrics());
    for (const c of ACTIONS) {
      h.emulator.store.put({ id: ID, state: c.from });
      await act(c, ID);
      await act(c, 'no-such-campaign');
    }
    const after = parseSamples(await h.scrapeMetrics());
    const delta = (name: string, labels: Record<string, string>) => (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
    for (const c of ACTIONS) {
      expect(delta('campaign_gateway_action_total', { action: c.action, outcome: c.success })).toBe(1);
      expect(delta('campaign_gateway_action_total', { action: c.action, outcome: 'CampaignNotFoundError' })).toBe(1);
    }
    expect(delta('campaign_gateway_start_total', { outcome: 'StartCampaignSuccess' })).toBe(1);
    expect(delta('campaign_gateway_start_total', { outcome: 'PauseCampaignSuccess' })).toBe(0);
  });

  it('audits each action of one operation under its own event', async () => {
    h.emulator.store.put({ id: 'a-1', state: 'Running' });
    h.emulator.store.put({ id: 'a-2', state: 'Paused' });
    const res = await h.graphql(
      `mutation Mixed {
        p: pauseCampaign(id: "a-1") { __typename }
        r: resumeCampaign(id: "a-2") { __typename }
        s: stopCampaign(id: "a-1") { __typename }
        t: startCampaign(id: "a-2") { __typename }
      }`,
      {},
      { 'x-request-id': 'mixed-audit' },
    );
    expect(res.body.data).toEqual({
      p: { __typename: 'PauseCampaignSuccess' },
      r: { __typename: 'ResumeCampaignSuccess' },
      s: { __typename: 'StopCampaignSuccess' },
      t: { __typename: 'InvalidCampaignStateError' },
    });
    const audit = h.logs.filter((l) => l.requestId === 'mixed-audit' && typeof l.event === 'string' && l.event.startsWith('campaign.'));
    expect(audit.map((l) => [l.event, l.campaignId, l.outcome])).toEqual([
      ['campaign.pause', 'a-1', 'PauseCampaignSuccess'],
      ['campaign.resume', 'a-2', 'ResumeCampaignSuccess'],
      ['campaign.stop', 'a-1', 'StopCampaignSuccess'],
      ['campaign.start', 'a-2', 'InvalidCampaignStateError'],
    ]);
  });
});

/** Drops the `nth` call of `operation` (1-based), armed as the call arrives, so earlier calls are answered. */
function dropNthCall(operation: OperationName, nth: number): void {
  const { calls, faults } = h.emulator;
  const push = calls.push.bind(calls);
  let seen = 0;
  // The emulator records a call just before it decides that call's faults (src/emulator/server.ts).
  calls.push = (...items) => {
    for (const call of items) if (call.operation === operation && ++seen === nth) faults.dropNext(operation, 1);
    return push(...items);
  };
}

describe('nullable mutation fields: an operation keeps the outcomes it got', () => {
  afterEach(() => {
    delete (h.emulator.calls as { push?: unknown }).push;
  });

  it('three starts whose middle one gets no answer: first and third succeed, the middle is null with OUTCOME_UNKNOWN', async () => {
    for (const id of ['three-1', 'three-2', 'three-3']) h.emulator.store.put({ id, state: 'Initialized' });
    dropNthCall('StartCampaign', 2);
    const res = await h.graphql<Record<string, unknown>>(
      `mutation Three {
        first: startCampaign(id: "three-1") ${selection('StartCampaignSuccess')}
        middle: startCampaign(id: "three-2") ${selection('StartCampaignSuccess')}
        third: startCampaign(id: "three-3") ${selection('StartCampaignSuccess')}
      }`,
      {},
      { 'x-request-id': 'three-starts' },
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      first: { __typename: 'StartCampaignSuccess', campaign: { id: 'three-1', state: 'RUNNING', availableActions: ['PAUSE', 'STOP'] } },
      middle: null,
      third: { __typename: 'StartCampaignSuccess', campaign: { id: 'three-3', state: 'RUNNING', availableActions: ['PAUSE', 'STOP'] } },
    });
    expect(res.body.errors).toEqual([expect.objectContaining({ path: ['middle'], extensions: { code: 'OUTCOME_UNKNOWN' } })]);
    expect(h.emulator.callCount('StartCampaign')).toBe(3);
    const audit = h.logs.filter((l) => l.requestId === 'three-starts' && l.event === 'campaign.start');
    expect(audit.map((l) => [l.campaignId, l.outcome, l.errorCode])).toEqual([
      ['three-1', 'StartCampaignSuccess', undefined],
      ['three-2', 'error', 'OUTCOME_UNKNOWN'],
      ['three-3', 'StartCampaignSuccess', undefined],
    ]);
  });
});

describe('MAX_STARTS_PER_OPERATION counts what dials: startCampaign and resumeCampaign together', () => {
  const fields = (field: string, n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => `${field[0]}${from + i}: ${field}(id: "cap-${from + i}") { __typename }`).join('\n');

  it('runs 5 starts and 5 resumes in one operation (10, the cap)', async () => {
    for (let i = 0; i < 5; i++) h.emulator.store.put({ id: `cap-${i}`, state: 'Initialized' });
    for (let i = 5; i < 10; i++) h.emulator.store.put({ id: `cap-${i}`, state: 'Paused' });
    const res = await h.graphql<Record<string, { __typename: string }>>(`mutation Ten { ${fields('startCampaign', 5)} ${fields('resumeCampaign', 5, 5)} }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(Object.values(res.body.data ?? {}).map((p) => p.__typename).sort()).toEqual([
      ...Array(5).fill('ResumeCampaignSuccess'),
      ...Array(5).fill('StartCampaignSuccess'),
    ]);
  });

  it('refuses 6 starts and 5 resumes (11) whole with 400 TOO_MANY_STARTS before any AWS call, auditing each under its event', async () => {
    const res = await h.graphql(
      `mutation Eleven { ${fields('startCampaign', 6)} ${fields('resumeCampaign', 5, 6)} x: pauseCampaign(id: "cap-99") { __typename } }`,
      {},
      { 'x-request-id': 'cap-11' },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_STARTS');
    expect(res.body.errors?.[0]?.message).toMatch(/at most 10 campaigns.*11/);
    expect(h.emulator.callCount()).toBe(0);
    const audit = h.logs.filter((l) => l.requestId === 'cap-11' && typeof l.event === 'string' && l.event.startsWith('campaign.'));
    const events = audit.map((l) => l.event);
    expect(events.filter((e) => e === 'campaign.start')).toHaveLength(6);
    expect(events.filter((e) => e === 'campaign.resume')).toHaveLength(5);
    // The pause of a refused operation did not run either: it is audited as refused too.
    expect(events.filter((e) => e === 'campaign.pause')).toHaveLength(1);
    expect(audit.every((l) => l.outcome === 'error' && l.errorCode === 'TOO_MANY_STARTS')).toBe(true);
  });

  it('lets a dozen stops and a dozen pauses through: halting is not capped by it', async () => {
    for (let i = 0; i < 12; i++) h.emulator.store.put({ id: `cap-${i}`, state: 'Running' });
    const stops = await h.graphql<Record<string, { __typename: string }>>(`mutation Halt { ${fields('stopCampaign', 12)} }`);
    expect(stops.status).toBe(200);
    expect(stops.body.errors).toBeUndefined();
    expect(Object.values(stops.body.data ?? {}).map((p) => p.__typename)).toEqual(Array(12).fill('StopCampaignSuccess'));
    expect(h.emulator.callCount('StopCampaign')).toBe(12);

    for (let i = 0; i < 12; i++) h.emulator.store.put({ id: `cap-${i}`, state: 'Running' });
    const pauses = await h.graphql<Record<string, { __typename: string }>>(`mutation Hold { ${fields('pauseCampaign', 12)} }`);
    expect(Object.values(pauses.body.data ?? {}).map((p) => p.__typename)).toEqual(Array(12).fill('PauseCampaignSuccess'));
  });
});

describe('Campaign.availableActions', () => {
  const QUERY = 'query Actions($id: ID!) { campaign(id: $id) { id name state availableActions } }';
  // As documented (docs/api.md): INITIALIZED → [START], RUNNING → [PAUSE, STOP], PAUSED → [RESUME, STOP], else [].
  it.each([
    ['Initialized', ['START']],
    ['Running', ['PAUSE', 'STOP']],
    ['Paused', ['RESUME', 'STOP']],
    ['Stopped', []],
    ['Failed', []],
    ['Completed', []],
  ] as const)('in state %s is %j, at no AWS call beyond the state', async (state, actions) => {
    h.emulator.store.put({ id: ID, state, name: 'Lifecycle' });
    const res = await h.graphql(QUERY, { id: ID });
    expect(res.body).toEqual({ data: { campaign: { id: ID, name: 'Lifecycle', state: state.toUpperCase(), availableActions: actions } } });
    // The state's one batch call (and DescribeCampaign for `name`): availableActions adds none.
    expect(h.emulator.callCount('GetCampaignStateBatch')).toBe(1);
    expect(h.emulator.callCount()).toBe(2);
  });

  it('is null with the state error when the state cannot be read, never nulling the campaigns page', async () => {
    const page = await h.graphql<{ campaigns: { edges: Array<{ node: Record<string, unknown> }> } }>(
      '{ campaigns(first: 3) { edges { node { id name availableActions } } } }',
    );
    expect(page.body.data?.campaigns.edges.map((e) => e.node.availableActions)).toEqual([['START'], [], []]);

    h.emulator.faults.failNext('GetCampaignStateBatch', 1, { name: 'ThrottlingException' });
    const failed = await h.graphql<{ campaigns: { edges: Array<{ node: Record<string, unknown> }> } }>(
      '{ campaigns(first: 3) { edges { node { id name availableActions } } } }',
    );
    const nodes = failed.body.data?.campaigns.edges.map((e) => e.node);
    expect(nodes).toHaveLength(3);
    for (const node of nodes ?? []) expect(node).toEqual({ id: expect.any(String), name: expect.any(String), availableActions: null });
    expect(failed.body.errors).toHaveLength(3);
    for (const error of failed.body.errors ?? []) {
      expect(error).toMatchObject({ path: ['campaigns', 'edges', expect.any(Number), 'node', 'availableActions'], extensions: { code: 'THROTTLING', retryable: true } });
    }
  });
});
