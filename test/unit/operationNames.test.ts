import { OperationNameLabels } from '../../src/observability/operationNames';

describe('OperationNameLabels', () => {
  it('keeps validated names up to the cap, then collapses new ones into (other)', () => {
    const labels = new OperationNameLabels(2);
    expect(labels.label({ name: 'A', type: 'query' })).toBe('A');
    expect(labels.label({ name: 'B', type: 'mutation' })).toBe('B');
    expect(labels.label({ name: 'C', type: 'query' })).toBe('(other)');
    expect(labels.label({ name: 'A', type: 'query' })).toBe('A');
  });

  it('names anonymous and unresolved operations without using up the cap', () => {
    const labels = new OperationNameLabels(1);
    expect(labels.label({ name: null, type: 'query' })).toBe('(anonymous)');
    expect(labels.label({ name: null, type: null })).toBe('(unknown)');
    expect(labels.label(undefined)).toBe('(unknown)');
    expect(labels.label({ name: 'Only', type: 'query' })).toBe('Only');
  });

  it('collapses an overly long name', () => {
    expect(new OperationNameLabels(10).label({ name: 'N'.repeat(101), type: 'query' })).toBe('(other)');
  });
});
