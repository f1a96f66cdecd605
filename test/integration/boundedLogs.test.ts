import { LOG_FIELD_MAX_CHARS } from '../../src/observability/logFields';
import { useHarness } from '../helpers/gatewayHarness';

/** Caller-sized values reach log lines only cut to a bounded length (real log output, captured). */
const harness = useHarness({ maxAttempts: 1 });

const KB = 1024;
const bytesOf = (lines: Array<Record<string, unknown>>) => lines.reduce((sum, line) => sum + JSON.stringify(line).length, 0);

describe('log lines stay small whatever a caller sends', () => {
  it('writes the audit line of a start of an invalid 900 KB id, cut, with its length and hash', async () => {
    const h = harness();
    const id = 'x'.repeat(900 * KB) + '!';
    const before = h.logs.length;
    const res = await h.graphql<{ startCampaign: { __typename: string } }>(
      'mutation Start($id: ID!) { startCampaign(id: $id) { __typename } }',
      { id },
    );
    expect(res.body.data?.startCampaign.__typename).toBe('CampaignValidationError');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = h.logs.slice(before);
    const audit = lines.find((line) => line['event'] === 'campaign.start');
    expect(audit).toMatchObject({ outcome: 'CampaignValidationError', principal: 'anonymous' });
    expect(audit?.['campaignId']).toMatch(new RegExp(`^x{${LOG_FIELD_MAX_CHARS}}…\\[cut: ${id.length} chars, sha256 [0-9a-f]{16}\\]$`));
    expect(bytesOf(lines)).toBeLessThan(4 * KB);
    expect(h.emulator.callCount()).toBe(0);
  });

  it('cuts a 900 KB operation name in the request line', async () => {
    const h = harness();
    const name = 'Q'.repeat(900 * KB);
    const before = h.logs.length;
    const res = await h.graphql(`query ${name} { __typename }`);
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = h.logs.slice(before);
    expect(lines.find((line) => line['event'] === 'graphql.request')?.['operationName']).toContain('…[cut: ');
    expect(bytesOf(lines)).toBeLessThan(4 * KB);
  });

  it('keeps the audit lines of 11 refused starts of 85 KB ids small', async () => {
    const h = harness();
    const ids = Array.from({ length: 11 }, (_, i) => `${i}`.padEnd(85 * KB, 'y'));
    const fields = ids.map((id, i) => `s${i}: startCampaign(id: "${id}") { __typename }`).join(' ');
    const before = h.logs.length;
    const res = await h.graphql(`mutation Many { ${fields} }`);
    expect(res.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = h.logs.slice(before);
    expect(lines.filter((line) => line['event'] === 'campaign.start')).toHaveLength(11);
    expect(bytesOf(lines)).toBeLessThan(16 * KB);
    expect(h.emulator.callCount()).toBe(0);
  });
});
