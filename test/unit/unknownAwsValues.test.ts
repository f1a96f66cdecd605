import { createMetrics } from '../../src/observability/metrics';
import { MAX_UNKNOWN_AWS_VALUES, unknownAwsValueReporter } from '../../src/observability/unknownAwsValues';
import type { Logger } from '../../src/observability/logger';

describe('unknownAwsValueReporter', () => {
  it('warns once per value, and keeps the metric to MAX_UNKNOWN_AWS_VALUES values, later ones counted as (other)', async () => {
    const warnings: Array<Record<string, unknown>> = [];
    const logger = { warn: (fields: Record<string, unknown>) => warnings.push(fields) } as unknown as Logger;
    const metrics = createMetrics();
    const report = unknownAwsValueReporter(logger, metrics);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i <= MAX_UNKNOWN_AWS_VALUES; i++) report('state', `Later${i}`);
    }
    report('state', 'X'.repeat(10_000));
    expect(warnings).toHaveLength(MAX_UNKNOWN_AWS_VALUES);
    expect(warnings[0]).toEqual({ event: 'aws.unknown_value', field: 'state', value: 'Later0' });
    const values = (await metrics.unknownAwsValue.get()).values.map((v) => [v.labels.value, v.value]);
    expect(values).toHaveLength(MAX_UNKNOWN_AWS_VALUES + 1);
    expect(values).toContainEqual(['Later0', 2]);
    expect(values).toContainEqual(['(other)', 3]);
  });
});
