import { useHarness } from '../helpers/gatewayHarness';

/** What callers get wrong is answered as a client error, with no error-level log line. */
const harness = useHarness({ maxAttempts: 1 });

const ENTITIES = 'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id state } } }';

describe('client mistakes are client errors', () => {
  it.each([
    ['an unknown __typename', [{ __typename: 'Nope', id: 'demo-running-survey' }], /"Nope", which is not an entity type/],
    ['a type that is not an entity', [{ __typename: 'CampaignConnection' }], /not an entity type/],
    ['a Campaign without its id', [{ __typename: 'Campaign' }], /no "id" string/],
    ['a Campaign with a numeric id', [{ __typename: 'Campaign', id: 7 }], /no "id" string/],
    ['a representation that is not an object', ['Campaign'], /is not an object/],
  ])('answers _entities with %s BAD_USER_INPUT, without an error-level line or an AWS call', async (_why, representations, message) => {
    const h = harness();
    const from = h.logs.length;
    const res = await h.graphql(ENTITIES, { r: [{ __typename: 'Campaign', id: 'demo-running-survey' }, ...representations] });
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.logs.slice(from).filter((line) => Number(line['level']) >= 50)).toEqual([]);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('answers a subscription over a plain POST 400, naming the transports that serve it', async () => {
    const h = harness();
    const from = h.logs.length;
    const res = await h.graphql('subscription Watch { campaignStateChanged(ids: ["demo-running-survey"]) { state } }');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/not served over a plain HTTP request.*graphql-ws.*text\/event-stream/i), extensions: expect.objectContaining({ code: 'BAD_REQUEST' }) }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.logs.slice(from).filter((line) => Number(line['level']) >= 50)).toEqual([]);
  });
});
