import type { ServerResponse } from 'node:http';
import type { Metrics } from './metrics';
import type { OperationSummary, RequestScope } from './requestScope';
import { UNKNOWN_OPERATION } from './operationNames';

/**
 * `success`: answered without errors. `error`: executed with top-level errors, or answered 5xx.
 * `rejected`: refused before execution (bad body, CSRF, parse, validation, unknown operation,
 * limits, authentication; mostly 4xx).
 * `aborted`: the connection closed before the answer was sent.
 */
export type GraphqlOutcome = 'success' | 'error' | 'rejected' | 'aborted';

function outcomeOf(operation: OperationSummary | undefined, status: number, answered: boolean): GraphqlOutcome {
  if (!answered) return 'aborted';
  if (status >= 500) return 'error';
  if (status >= 400) return 'rejected';
  if (!operation?.errorCount) return 'success';
  // Errors without execution, answered 200: e.g. an automatic persisted query not yet known.
  return operation.executed ? 'error' : 'rejected';
}

/**
 * One log line and one histogram observation per GraphQL request, written when its response
 * closes, so requests refused before Apollo (413, malformed JSON, CSRF) are counted too.
 */
export function observeGraphqlRequest(
  scope: RequestScope,
  res: ServerResponse,
  metrics: Pick<Metrics, 'graphqlDuration' | 'graphqlInFlight' | 'operationNames'>,
): void {
  const startedAt = performance.now();
  metrics.graphqlInFlight.inc();
  res.once('close', () => {
    metrics.graphqlInFlight.dec();
    const durationMs = performance.now() - startedAt;
    const { operation } = scope;
    const outcome = outcomeOf(operation, res.statusCode, res.writableFinished);
    metrics.graphqlDuration.observe(
      {
        operation_name: metrics.operationNames.label(operation),
        operation_type: operation?.type ?? UNKNOWN_OPERATION,
        outcome,
      },
      durationMs / 1000,
    );
    scope.events.info(
      {
        event: 'graphql.request',
        operationName: operation?.name ?? null,
        operationType: operation?.type ?? null,
        outcome,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 1000) / 1000,
        ...(operation?.errorCodes.length ? { errorCodes: operation.errorCodes } : {}),
      },
      'graphql request',
    );
  });
}
