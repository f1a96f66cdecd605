import type { ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from './metrics';
import type { ContextValue } from '../graphql/context';
import type { OperationSummary, RequestScope } from './requestScope';
import { UNKNOWN_OPERATION } from './operationNames';

/**
 * `success`: answered without errors. `error`: executed with top-level errors, or answered 5xx.
 * `rejected`: refused before execution (bad body, CSRF, parse, validation, unknown operation,
 * limits, authentication; mostly 4xx).
 * `aborted`: the connection closed before the answer was sent.
 */
export type GraphqlOutcome = 'success' | 'error' | 'rejected' | 'aborted';

/**
 * Tells the HTTP layer what Apollo resolved: the operation (only from a validated document),
 * whether it executed, and the codes of the errors it answered with.
 */
export const operationSummaryPlugin: ApolloServerPlugin<ContextValue> = {
  async requestDidStart() {
    let executed = false;
    return {
      async executionDidStart() {
        executed = true;
      },
      async willSendResponse({ operation, response, contextValue }) {
        // Absent when the context itself could not be made (e.g. authentication failed).
        const scope = contextValue?.scope as RequestScope | undefined;
        if (!scope) return;
        const errors = (response.body.kind === 'single' ? response.body.singleResult.errors : undefined) ?? [];
        const codes = new Set<string>();
        for (const error of errors) {
          const code = error.extensions?.code;
          if (typeof code === 'string') codes.add(code);
        }
        scope.operation = {
          name: operation?.name?.value ?? null,
          type: operation?.operation ?? null,
          executed,
          errorCount: errors.length,
          errorCodes: [...codes],
        };
      },
    };
  },
};

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
