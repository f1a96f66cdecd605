import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { CAMPAIGN_ACTIONS, actionByField, type CampaignActionName } from '../../campaigns/campaignActions';
import type { ContextValue } from '../context';

/** One lifecycle action field an operation would run. */
export interface ActionSelection {
  action: CampaignActionName;
  field: FieldNode;
}

/**
 * The lifecycle action fields (startCampaign, pauseCampaign, ...) an operation would run, one per
 * response key (fields with the same key merge into one execution), found through aliases,
 * fragment spreads and inline fragments. `@skip`/`@include` are not evaluated: a skipped action
 * still counts, so a count is an upper bound.
 */
export function actionSelections(operation: OperationDefinitionNode, document: DocumentNode): readonly ActionSelection[] {
  if (operation.operation !== 'mutation') return [];
  // Apollo keeps one parsed document per query text: the same mutation is walked once.
  let found = selectionsByOperation.get(operation);
  if (!found) {
    found = findActionSelections(operation, document);
    selectionsByOperation.set(operation, found);
  }
  return found;
}

const selectionsByOperation = new WeakMap<OperationDefinitionNode, readonly ActionSelection[]>();

function findActionSelections(operation: OperationDefinitionNode, document: DocumentNode): readonly ActionSelection[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const byKey = new Map<string, ActionSelection>();
  const visited = new Set<string>();
  const walk = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const action = actionByField(selection.name.value);
        if (action !== undefined) {
          const key = selection.alias?.value ?? selection.name.value;
          if (!byKey.has(key)) byKey.set(key, { action, field: selection });
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment spread twice at one level adds no new keys; cycles are invalid anyway.
        if (fragment && !visited.has(name)) {
          visited.add(name);
          walk(fragment.selectionSet);
        }
      }
    }
  };
  walk(operation.selectionSet);
  return [...byKey.values()];
}

/** The selections of actions that dial (start, resume): what MAX_STARTS_PER_OPERATION counts. */
export function dialingSelections(operation: OperationDefinitionNode, document: DocumentNode): ActionSelection[] {
  return actionSelections(operation, document).filter(({ action }) => CAMPAIGN_ACTIONS[action].dials);
}

/** An `ID` argument's value as graphql-js would coerce it: a string, or an integer as its digits. */
function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return Number.isSafeInteger(value) ? String(value) : null;
}

/**
 * The campaign id an action selection names: literally, through a variable the request gives, or
 * through that variable's default. Null when it names none that could run (e.g. a variable given
 * as null, or of the wrong type).
 */
function campaignIdOf(field: FieldNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): string | null {
  const value = field.arguments?.find((arg) => arg.name.value === 'id')?.value;
  if (value?.kind === Kind.STRING || value?.kind === Kind.INT) return value.value;
  if (value?.kind !== Kind.VARIABLE) return null;
  const name = value.name.value;
  if (variables !== undefined && Object.prototype.hasOwnProperty.call(variables, name)) return idOf(variables[name]);
  const fallback = operation.variableDefinitions?.find((definition) => definition.variable.name.value === name)?.defaultValue;
  return fallback?.kind === Kind.STRING || fallback?.kind === Kind.INT ? fallback.value : null;
}

/** Audits every action of a refused operation: refusals are attempts too. */
export function auditRefusal(
  requestContext: GraphQLRequestContext<ContextValue>,
  operation: OperationDefinitionNode,
  document: DocumentNode,
  errorCode: string,
): void {
  const { contextValue, request } = requestContext;
  for (const { action, field } of actionSelections(operation, document)) {
    contextValue.recordAction(action, {
      campaignId: campaignIdOf(field, operation, request.variables),
      principal: contextValue.principal.subject,
      outcome: 'error',
      errorCode,
      awsRequestId: null,
      durationMs: 0,
    });
  }
}

/**
 * At most `max` selections of actions that dial (startCampaign and resumeCampaign together) in one
 * operation, so one request cannot fan out into a burst of outbound calls; pause and stop are not
 * counted, so an operator can halt many campaigns at once. Checked once the operation is resolved,
 * before anything executes; more is refused whole with HTTP 400 and `extensions.code:
 * TOO_MANY_STARTS`. Every action of an operation refused before any field ran (here, by the AWS
 * call budget, by validation and size limits, for its variables, as a mutation over GET) is
 * audited as refused, once, with the code the caller got.
 */
export function startFanOutLimit(max: number): ApolloServerPlugin<ContextValue> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const { operation, document } = requestContext;
          if (!operation) return;
          const found = dialingSelections(operation, document).length;
          if (found <= max) return;
          throw new GraphQLError(
            `One operation may start or resume at most ${max} campaigns; this one selects startCampaign and resumeCampaign ${found} times.`,
            {
              extensions: { code: 'TOO_MANY_STARTS', http: { status: 400 } },
            },
          );
        },
        async didEncounterErrors(requestContext) {
          // Audited here alone, not where each refusal is thrown: Apollo runs every plugin's
          // didResolveOperation at once, so two refusals of one operation would audit it twice.
          // Errors without a path mean no field ran (a field's error always has one).
          const { document, operation, request, errors } = requestContext;
          if (!document || errors.some((error) => error.path !== undefined)) return;
          const refused = operation ?? getOperationAST(document, request.operationName);
          const code = errors[0]?.extensions['code'];
          if (refused) auditRefusal(requestContext, refused, document, typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
        },
      };
    },
  };
}
