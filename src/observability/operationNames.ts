import type { OperationSummary } from './requestScope';

/** Label values that cannot be GraphQL operation names, so they never collide with one. */
export const ANONYMOUS_OPERATION = '(anonymous)';
/** The request never reached a validated operation (bad JSON, parse or validation error, ...). */
export const UNKNOWN_OPERATION = '(unknown)';
/** A validated name seen after the cap was reached, or an overly long one. */
export const OTHER_OPERATION = '(other)';

const MAX_NAME_LENGTH = 100;

/**
 * Operation names as metric label values, with bounded cardinality: names come only from a
 * parsed and validated document (never from the request's `operationName` field alone), and
 * only the first `maxNames` distinct ones get their own series; later ones share `(other)`.
 */
export class OperationNameLabels {
  private readonly known = new Set<string>();

  constructor(private readonly maxNames: number) {}

  label(operation: Pick<OperationSummary, 'name' | 'type'> | undefined): string {
    if (!operation?.type) return UNKNOWN_OPERATION;
    const { name } = operation;
    if (!name) return ANONYMOUS_OPERATION;
    if (this.known.has(name)) return name;
    if (name.length > MAX_NAME_LENGTH || this.known.size >= this.maxNames) return OTHER_OPERATION;
    this.known.add(name);
    return name;
  }
}
