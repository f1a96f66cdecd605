import { useHarness, type Harness } from '../helpers/gatewayHarness';

const harness = useHarness({ maxAttempts: 1 });
let h: Harness;
beforeEach(() => {
  h = harness();
  // A state AWS adds after this gateway was built, answered by the emulator as AWS would.
  h.emulator.store.put({ id: 'later-state', state: 'Archived' });
});

const QUERY = '{ campaign(id: "later-state") { id state availableActions } }';

describe('a campaign state AWS adds later (Archived)', () => {
  it('answers state null and availableActions null with a clear error at its path, not a masked failure', async () => {
    const res = await h.graphql(QUERY, undefined, { 'x-request-id': 'later-state-1' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ campaign: { id: 'later-state', state: null, availableActions: null } });
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: ['campaign', 'availableActions'],
        message: expect.stringContaining('"Archived"'),
        extensions: expect.objectContaining({ code: 'UNKNOWN_CAMPAIGN_STATE', awsValue: 'Archived' }),
      }),
    ]);
    // Nothing for an operator to chase: no error line (the masked failure's promised log line).
    expect(h.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('logs one warning naming the value per process, and counts every answer of it by field and value', async () => {
    const counted = async () => {
      const match = /^campaign_gateway_unknown_aws_value_total\{field="state",value="Archived"\} (\d+)$/m.exec(await h.scrapeMetrics());
      return Number(match?.[1] ?? 0);
    };
    const before = await counted();
    await h.graphql(QUERY);
    await h.graphql(QUERY);
    await h.graphql('{ campaign(id: "demo-running-survey") { state availableActions } }');
    expect(h.logs.filter((l) => l.event === 'aws.unknown_value')).toEqual([
      expect.objectContaining({ level: 40, field: 'state', value: 'Archived', msg: expect.stringContaining('"Archived"') }),
    ]);
    expect((await counted()) - before).toBe(2);
  });

  it('leaves the other campaigns of the same batch as they are', async () => {
    const res = await h.graphql('{ a: campaign(id: "later-state") { state } b: campaign(id: "demo-running-survey") { state availableActions } }');
    expect(res.body).toEqual({ data: { a: { state: null }, b: { state: 'RUNNING', availableActions: ['PAUSE', 'STOP'] } } });
  });
});
