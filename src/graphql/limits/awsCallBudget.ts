import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';
import { LIST_MAX_FIRST, LIST_PAGE_SIZE, STATE_BATCH_LIMIT } from '../../campaigns/campaignService';
import { CAMPAIGN_FIELD_SOURCES, type CampaignFieldSource } from '../resolvers/Campaign';
import type { ContextValue } from '../context';

/** `extensions.code` of a request refused (or stopped) for the AWS calls it would make. */
export const AWS_CALL_BUDGET_EXCEEDED = 'AWS_CALL_BUDGET_EXCEEDED';
/** `extensions.code` of an `_entities` request with more representations than allowed. */
export const TOO_MANY_REPRESENTATIONS = 'TOO_MANY_REPRESENTATIONS';

/** What to do about it, said in every budget error. */
export const BUDGET_ADVICE =
  'Ask for fewer campaigns per request (fewer representations or aliases, a smaller `first`), or leave out the fields only DescribeCampaign answers (source, telephony, timeZone, tags), and split the rest over several requests.';

/** The most AWS calls an operation can make, by AWS operation (an upper bound). */
export interface AwsCallEstimate {
  total: number;
  /** Campaign actions (StartCampaign, ...), GetCampaignStateBatch, DescribeCampaign, ListCampaigns. */
  byOperation: { actions: number; GetCampaignStateBatch: number; DescribeCampaign: number; ListCampaigns: number };
  /**
   * `_entities` representations, every one (each is resolved, repeats included, even where it
   * costs no AWS call); the price counts distinct campaigns.
   */
  representations: number;
}

/** Default `first` of `campaigns`, as the schema declares it. */
const DEFAULT_FIRST = 20;
/** Most ListCampaigns calls one `campaigns` field makes (CampaignService.list). */
const LIST_MAX_CALLS = 4;

interface Tally {
  /** Campaigns whose state is loaded, by batch group (loads of one group share batches). */
  states: Map<string, number>;
  describes: number;
  lists: number;
  actions: number;
}

/**
 * The AWS calls an operation can make with these variables, from its shape alone: each action
 * (a mutation field) one call; `campaign` and `_entities` one state per campaign, batched 25 a
 * call; `campaigns(first)` its ListCampaigns pages and `first` rows; one DescribeCampaign per
 * campaign that selects a field only DescribeCampaign answers (or, outside a list, any row field).
 * Null when the variables are invalid (execution then refuses them, making no call).
 */
export function estimateAwsCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
): AwsCallEstimate | null {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return null;
  const variables = coerced.coerced;
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null) as Record<string, FragmentDefinitionNode>;
  for (const definition of document.definitions) {
    if (definition.kind === 'FragmentDefinition') fragments[definition.name.value] = definition;
  }
  const rootType = schema.getRootType(operation.operation);
  const campaignType = schema.getType('Campaign');
  if (!rootType || !isObjectType(campaignType)) return null;
  const tally: Tally = { states: new Map(), describes: 0, lists: 0, actions: 0 };
  let representations = 0;

  const addStates = (group: string, n: number) => tally.states.set(group, (tally.states.get(group) ?? 0) + n);

  /**
   * Reads the directives of a selection that costs nothing (a campaign's schedule, telephony, ...),
   * so that what the caller sent for them fails here, as a client error, not during execution.
   */
  const readSelections = (type: GraphQLObjectType, nodes: readonly FieldNode[]): void => {
    for (const [, subnodes] of collectSubfields(schema, fragments, variables, type, nodes)) {
      const named = getNamedType(type.getFields()[(subnodes[0] as FieldNode).name.value]?.type);
      if (!named || !isCompositeType(named)) continue;
      for (const possible of isObjectType(named) ? [named] : schema.getPossibleTypes(named)) readSelections(possible, subnodes);
    }
  };

  /** A selection of `Campaign` for `m` campaigns; `primed` when list rows already hold their summary fields. */
  const campaignCost = (nodes: readonly FieldNode[], m: number, primed: boolean, group: string, loadsState: boolean) => {
    let state = loadsState;
    let describe = false;
    for (const [, subnodes] of collectSubfields(schema, fragments, variables, campaignType, nodes)) {
      const name = (subnodes[0] as FieldNode).name.value;
      // A field this table does not know yet is taken to need a DescribeCampaign.
      const source: CampaignFieldSource = name === '__typename' ? 'free' : (CAMPAIGN_FIELD_SOURCES[name] ?? 'details');
      if (source === 'state') state = true;
      else if (source === 'details' || (source === 'summary' && !primed)) describe = true;
      const named = getNamedType(campaignType.getFields()[name]?.type);
      if (named && isObjectType(named)) readSelections(named, subnodes);
    }
    if (state) addStates(group, m);
    if (describe) tally.describes += m;
  };

  /** Everything below `nodes` of `type`, for `m` objects of it. */
  const walk = (type: GraphQLObjectType, nodes: readonly FieldNode[], m: number, primed: boolean, group: string) => {
    if (type === campaignType) return campaignCost(nodes, m, primed, group, false);
    for (const [, subnodes] of collectSubfields(schema, fragments, variables, type, nodes)) {
      const field = type.getFields()[(subnodes[0] as FieldNode).name.value];
      const named = field && getNamedType(field.type);
      if (!named || !isCompositeType(named)) continue;
      for (const possible of isObjectType(named) ? [named] : schema.getPossibleTypes(named)) walk(possible, subnodes, m, primed, group);
    }
  };

  for (const [key, nodes] of collectFields(schema, fragments, variables, rootType, operation.selectionSet)) {
    const node = nodes[0] as FieldNode;
    const name = node.name.value;
    const field = rootType.getFields()[name];
    if (!field) continue;
    const args = getArgumentValues(field, node, variables);
    if (operation.operation === 'mutation') {
      // Mutations run one after another: each its own action call and its own state batch.
      tally.actions += 1;
      const named = getNamedType(field.type);
      if (isCompositeType(named)) {
        for (const possible of isObjectType(named) ? [named] : schema.getPossibleTypes(named)) walk(possible, nodes, 1, false, `mutation:${key}`);
      }
    } else if (name === 'campaign') {
      // Root fields run together: their states share batches.
      campaignCost(nodes, 1, false, 'root', true);
    } else if (name === '_entities') {
      const reps = Array.isArray(args['representations']) ? (args['representations'] as unknown[]) : [];
      const ids = new Set<unknown>();
      for (const rep of reps) {
        const r = rep as { __typename?: unknown; id?: unknown } | null;
        if (r?.__typename === 'Campaign') ids.add(r.id);
      }
      representations += reps.length;
      campaignCost(nodes, ids.size, false, 'root', true);
    } else if (name === 'campaigns') {
      const first = typeof args['first'] === 'number' ? args['first'] : DEFAULT_FIRST;
      // Out of range: refused by the resolver before any call.
      if (first < 1 || first > LIST_MAX_FIRST) continue;
      // One more page when the cursor starts mid-page.
      tally.lists += Math.min(LIST_MAX_CALLS, Math.ceil(first / LIST_PAGE_SIZE) + (args['after'] != null ? 1 : 0));
      const connection = getNamedType(field.type);
      if (isObjectType(connection)) walk(connection, nodes, first, true, `list:${key}`);
    } else {
      // Free (`_service`, ...), but its directives are read now too.
      const named = getNamedType(field.type);
      if (isObjectType(named)) readSelections(named, nodes);
    }
  }

  let stateCalls = 0;
  for (const count of tally.states.values()) stateCalls += Math.ceil(count / STATE_BATCH_LIMIT);
  const byOperation = { actions: tally.actions, GetCampaignStateBatch: stateCalls, DescribeCampaign: tally.describes, ListCampaigns: tally.lists };
  return {
    total: byOperation.actions + byOperation.GetCampaignStateBatch + byOperation.DescribeCampaign + byOperation.ListCampaigns,
    byOperation,
    representations,
  };
}

function describeEstimate({ byOperation }: AwsCallEstimate): string {
  const parts = [
    byOperation.actions > 0 ? `${byOperation.actions} campaign actions` : '',
    byOperation.GetCampaignStateBatch > 0 ? `${byOperation.GetCampaignStateBatch} GetCampaignStateBatch` : '',
    byOperation.DescribeCampaign > 0 ? `${byOperation.DescribeCampaign} DescribeCampaign` : '',
    byOperation.ListCampaigns > 0 ? `${byOperation.ListCampaigns} ListCampaigns` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

/** Root fields whose arguments' values (`first`, `after`, the representations) the price reads. */
const PRICED_ARGUMENT_FIELDS = new Set(['campaigns', '_entities']);

/**
 * The variables whose values an operation's price can depend on: those inside a directive
 * (`@skip`/`@include` decide what is selected) and those anywhere under `campaigns` or
 * `_entities`. Any other variable counts only by being absent, null or given (which decides
 * whether reading the root fields' arguments fails), so with none of these the price of a
 * document is the same for every request that gives the same variables in the same way.
 */
function variablesPricedByValue(document: DocumentNode): ReadonlySet<string> {
  const names = new Set<string>();
  visit(document, {
    Variable(node, _key, _parent, _path, ancestors) {
      const priced = ancestors.some((a) => {
        const n = a as ASTNode;
        return n.kind === Kind.DIRECTIVE || (n.kind === Kind.FIELD && PRICED_ARGUMENT_FIELDS.has(n.name.value));
      });
      if (priced) names.add(node.name.value);
    },
  });
  return names;
}

/** How a request gives each variable of the operation: absent, undefined, null or a value. */
function variablesGiven(operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): string {
  let given = '';
  for (const { variable } of operation.variableDefinitions ?? []) {
    const name = variable.name.value;
    if (variables === undefined || !Object.prototype.hasOwnProperty.call(variables, name)) given += 'a';
    else if (variables[name] === undefined) given += 'u';
    else given += variables[name] === null ? 'n' : 'v';
  }
  return given;
}

/** Most ways of giving one operation's variables remembered as priced within the limits. */
const PASSES_PER_OPERATION = 32;

/**
 * Refuses, before anything runs, an operation whose AWS calls would exceed `maxCalls`
 * (MAX_AWS_CALLS_PER_REQUEST) or that holds more than `maxRepresentations` `_entities`
 * representations: HTTP 400, with what it would cost and what to do. What cannot be known ahead
 * (sparse AWS pages) is stopped at the same budget by the AWS boundary.
 */
export function awsCallBudgetLimit({ maxCalls, maxRepresentations }: { maxCalls: number; maxRepresentations: number }): ApolloServerPlugin<ContextValue> {
  // Pricing walks the whole operation on every request. Where the price depends on no variable's
  // value, a pass is remembered for the parsed operation (Apollo keeps one parsed document per
  // query text) and the way its variables were given, so the same start mutation is priced once.
  const passes = new WeakMap<OperationDefinitionNode, { byValue: ReadonlySet<string>; given: Set<string> }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const { schema, document, operation, request } = requestContext;
          if (!operation) return;
          let memo = passes.get(operation);
          if (!memo) {
            memo = { byValue: variablesPricedByValue(document), given: new Set() };
            passes.set(operation, memo);
          }
          const given = memo.byValue.size === 0 ? variablesGiven(operation, request.variables) : undefined;
          if (given !== undefined && memo.given.has(given)) return;
          let estimate: AwsCallEstimate | null;
          try {
            estimate = estimateAwsCalls(schema, document, operation, request.variables);
          } catch (err) {
            // Reading arguments can fail only on what the caller sent (a null for a defaulted
            // variable in a non-null position); pricing reads them first, so it answers for them.
            if (!(err instanceof GraphQLError)) throw err;
            throw new GraphQLError(err.message, { nodes: err.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          }
          if (!estimate) return;
          if (estimate.representations > maxRepresentations) {
            throw new GraphQLError(
              `One request may resolve at most ${maxRepresentations} campaign representations; this one holds ${estimate.representations}. Send them in batches of ${maxRepresentations} or fewer.`,
              { extensions: { code: TOO_MANY_REPRESENTATIONS, limit: maxRepresentations, http: { status: 400 } } },
            );
          }
          // A refused operation's actions are audited by startFanOutLimit's didEncounterErrors.
          if (estimate.total > maxCalls) {
            throw new GraphQLError(
              `This request would make up to ${estimate.total} AWS calls (${describeEstimate(estimate)}); one request may make at most ${maxCalls}. ${BUDGET_ADVICE}`,
              { extensions: { code: AWS_CALL_BUDGET_EXCEEDED, limit: maxCalls, estimate: estimate.total, http: { status: 400 } } },
            );
          }
          if (given !== undefined && memo.given.size < PASSES_PER_OPERATION) memo.given.add(given);
        },
      };
    },
  };
}
