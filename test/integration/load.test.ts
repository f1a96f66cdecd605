import { useHarness, type Harness } from '../helpers/gatewayHarness';

const START = 'mutation Start($id: ID!) { startCampaign(id: $id) { __typename ... on CampaignError { retryable } } }';

// The SDK's real standard retry strategy (3 attempts, its retry quota), with a 1 ms back-off so
// that the run stays short.
const harness = useHarness({ maxAttempts: 3, retryDelayMs: 1 });
let h: Harness;
beforeEach(() => {
  h = harness();
});

/** Sends `total` starts over `concurrency` connections; resolves to every answer's payload type (or what went wrong). */
async function run(total: number, concurrency: number, id: (i: number) => string): Promise<string[]> {
  const answers: string[] = new Array(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      try {
        const res = await h.graphql<{ startCampaign: { __typename: string } }>(START, { id: id(i) });
        answers[i] = res.status === 200 ? res.body.data?.startCampaign.__typename ?? `errors:${String(res.body.errors?.[0]?.extensions?.code)}` : `http:${res.status}`;
      } catch (err) {
        answers[i] = `lost:${String(err)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

const tally = (answers: string[]) => answers.reduce<Record<string, number>>((t, a) => ({ ...t, [a]: (t[a] ?? 0) + 1 }), {});

describe('a bounded load run on loopback with injected throttling', () => {
  it('answers every one of 300 concurrent starts during a throttling storm, and does not multiply the storm', async () => {
    h.emulator.faults.failNext('StartCampaign', 100_000, { name: 'ThrottlingException', message: 'Rate exceeded' });
    const answers = await run(300, 10, () => 'demo-spring-renewals');
    expect(tally(answers)).toEqual({ CampaignThrottlingError: 300 });
    // Without the SDK's retry quota this would be 900 calls (3 attempts each). Standard mode spends
    // 5 of its 500 tokens per throttled retry and earns none back while nothing succeeds: at most
    // 100 retries in all.
    const calls = h.emulator.callCount('StartCampaign');
    expect(calls).toBeGreaterThanOrEqual(300);
    expect(calls).toBeLessThanOrEqual(300 + 100);
  });

  it('answers every one of 300 concurrent starts through a throttling burst, as typed payloads', async () => {
    for (let i = 0; i < 50; i++) h.emulator.store.put({ id: `load-${i}`, name: `Load ${i}` });
    h.emulator.faults.failNext('StartCampaign', 120, { name: 'ThrottlingException' });
    const answers = await run(300, 10, (i) => `load-${i % 50}`);
    const counts = tally(answers);
    const typed = ['StartCampaignSuccess', 'InvalidCampaignStateError', 'CampaignThrottlingError'];
    expect(Object.keys(counts).filter((answer) => !typed.includes(answer))).toEqual([]);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(300);
    // Each campaign started exactly once, whoever got there first.
    expect(counts['StartCampaignSuccess']).toBeLessThanOrEqual(50);
    expect(h.emulator.store.list().filter((c) => c.id.startsWith('load-') && c.state === 'Running')).toHaveLength(counts['StartCampaignSuccess'] ?? 0);
  });
});
