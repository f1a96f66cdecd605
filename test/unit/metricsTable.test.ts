import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetrics } from '../../src/observability/metrics';

/** The first column of the metrics table in docs/operations.md: names, or prefixes ending in `*`. */
function documentedMetrics(): string[] {
  const doc = readFileSync(join(__dirname, '../../docs/operations.md'), 'utf8');
  const table = doc.slice(doc.indexOf('| metric | type | labels |'));
  const rows = table.split('\n').slice(2);
  const end = rows.findIndex((line) => !line.startsWith('|'));
  return rows.slice(0, end).flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([a-z_]+\*?)`/g)].map((m) => m[1]!));
}

describe('the metrics table in docs/operations.md', () => {
  const registered = createMetrics()
    .registry.getMetricsAsArray()
    .map((metric) => metric.name);
  const documented = documentedMetrics();
  const covers = (entry: string, name: string) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry);

  it('lists every metric the gateway registers', () => {
    expect(registered.filter((name) => !documented.some((entry) => covers(entry, name)))).toEqual([]);
  });

  it('lists no metric the gateway does not register', () => {
    expect(documented.filter((entry) => !registered.some((name) => covers(entry, name)))).toEqual([]);
  });

  it('names each gateway metric on a row of its own', () => {
    const own = registered.filter((name) => name.startsWith('campaign_gateway_')).sort();
    expect(documented.filter((entry) => entry.startsWith('campaign_gateway_')).sort()).toEqual(own);
  });
});
