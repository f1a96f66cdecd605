import fc from 'fast-check';
import { campaignIdProblem } from '../../src/campaigns/campaignId';
import { useHarness, type Harness } from '../helpers/gatewayHarness';

const START = 'mutation Start($id: ID!) { startCampaign(id: $id) { __typename ... on CampaignValidationError { field requestId } } }';
const READ = 'query Read($id: ID!) { campaign(id: $id) { id state } }';

const harness = useHarness({ maxAttempts: 1 });
let h: Harness;
beforeEach(() => {
  h = harness();
});

/** Campaign-id-like strings: mostly near the constraint's edges, plus any Unicode at all. */
const ids = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019-:/ _.%\u0000\u00e9\u{1F600}'), maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...'ab-:/'), minLength: 250, maxLength: 260 }),
);

/** GraphQL's ID coercion: strings as they are, integers as their decimal text, anything else refused. */
function coercedId(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return undefined;
}

const RUNS = { numRuns: 150 };

describe('fuzzing ids and variables (fast-check)', () => {
  it('answers any string id of a start without a 5xx; an invalid one never reaches AWS', async () => {
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        const before = h.emulator.callCount();
        const res = await h.graphql<{ startCampaign: { __typename: string; field?: string; requestId?: null } }>(START, { id });
        expect(res.status).toBe(200);
        if (campaignIdProblem(id) !== null) {
          expect(res.body.data?.startCampaign).toEqual({ __typename: 'CampaignValidationError', field: 'id', requestId: null });
          expect(h.emulator.callCount()).toBe(before);
        } else {
          expect(res.body.data?.startCampaign.__typename).not.toBe('CampaignValidationError');
        }
      }),
      RUNS,
    );
  });

  it('answers any JSON as the variables of a start or a read without a 5xx, calling AWS only for a valid id', async () => {
    const variables = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.record({ id: fc.jsonValue() }));
    await fc.assert(
      fc.asyncProperty(variables, fc.constantFrom(START, READ), async (vars, query) => {
        const before = h.emulator.callCount();
        const res = await h.graphql(query, vars as Record<string, unknown>);
        expect(res.status).toBeLessThan(500);
        const id = coercedId((vars as Record<string, unknown>)['id']);
        if (id === undefined || campaignIdProblem(id) !== null) expect(h.emulator.callCount()).toBe(before);
      }),
      RUNS,
    );
  });

  it('answers any request body without a 5xx', async () => {
    const bodies = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ query: fc.string(), variables: fc.jsonValue(), operationName: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBeLessThan(500);
        await res.arrayBuffer();
      }),
      RUNS,
    );
    expect(h.emulator.callCount()).toBe(0);
  });
});

/** Error-level (50+) lines the gateway wrote since `from`. */
const errorLinesSince = (from: number) => h.logs.slice(from).filter((line) => Number(line['level']) >= 50);
const internalErrors = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  (body.errors ?? []).filter((error) => error.extensions?.['code'] === 'INTERNAL_SERVER_ERROR');

describe('caller input never reaches the masked path (fast-check)', () => {
  const ENTITIES = 'query E($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Campaign { id state name } } }';
  const typenames = fc.oneof(
    fc.constantFrom('Campaign', 'Query', 'Mutation', 'CampaignConnection', 'StartCampaignSuccess', 'CampaignError', 'CampaignState', '_Service', 'String', 'Nope'),
    fc.string({ maxLength: 20 }),
  );
  const representation = fc.oneof(
    fc.record({ __typename: typenames, id: fc.oneof(ids, fc.constantFrom('demo-running-survey', 'demo-paused-winback'), fc.jsonValue()) }, { requiredKeys: [] }),
    fc.record({ __typename: typenames }, { requiredKeys: ['__typename'] }).chain((r) => fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()).map((extra) => ({ ...extra, ...r }))),
    fc.jsonValue(),
  );

  it('answers any representations with data or a client error: no INTERNAL_SERVER_ERROR, no error-level line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(representation, { maxLength: 6 }), async (representations) => {
        const from = h.logs.length;
        const res = await h.graphql(ENTITIES, { r: representations });
        expect(res.status).toBeLessThan(500);
        expect(internalErrors(res.body)).toEqual([]);
        await new Promise((resolve) => setImmediate(resolve));
        expect(errorLinesSince(from)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('answers any variables of a list, a read or a start the same way', async () => {
    const LIST = 'query L($first: Int, $after: String, $i: ID) { campaigns(first: $first, after: $after, connectInstanceId: $i) { edges { cursor node { id } } pageInfo { hasNextPage } } }';
    const variables = fc.record({ first: fc.jsonValue(), after: fc.oneof(fc.string(), fc.jsonValue()), i: fc.jsonValue(), id: fc.oneof(ids, fc.jsonValue()) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(variables, fc.constantFrom(LIST, START, READ), async (vars, query) => {
        const from = h.logs.length;
        const res = await h.graphql(query, vars as Record<string, unknown>);
        expect(res.status).toBeLessThan(500);
        expect(internalErrors(res.body)).toEqual([]);
        await new Promise((resolve) => setImmediate(resolve));
        expect(errorLinesSince(from)).toEqual([]);
      }),
      RUNS,
    );
  });
});
