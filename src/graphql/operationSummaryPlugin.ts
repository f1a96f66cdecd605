import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScope } from '../observability/requestScope';
import type { ContextValue } from './context';

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
