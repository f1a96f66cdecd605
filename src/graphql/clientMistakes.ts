import { GraphQLError, Kind, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ContextValue } from './context';

/**
 * What a caller can get wrong that would otherwise end in a masked INTERNAL_SERVER_ERROR and an
 * error-level log line: answered as client errors here.
 */

const MAX_NAME_IN_MESSAGE = 100;
const shown = (name: string) => (name.length > MAX_NAME_IN_MESSAGE ? `${name.slice(0, MAX_NAME_IN_MESSAGE)}…` : name);

function badRepresentation(index: number, problem: string): GraphQLError {
  return new GraphQLError(`representations[${index}] ${problem}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'representations' } });
}

/** Entity types of the SDL with the fields of their `@key` (simple field lists only). */
export function entityKeys(typeDefs: DocumentNode): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const fields = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
      if (fields?.kind !== Kind.STRING) continue;
      const names = /^[\w\s]+$/.test(fields.value) ? fields.value.trim().split(/\s+/) : [];
      keys.set(definition.name.value, [...(keys.get(definition.name.value) ?? []), ...names]);
    }
  }
  return keys;
}

/**
 * Checks `_entities` representations before @apollo/subgraph resolves them: each must be an
 * object naming an entity type of this subgraph, with its key fields as strings. An unknown
 * `__typename` is what a router never sends, so it is the caller's mistake (BAD_USER_INPUT).
 */
export function guardEntityRepresentations(schema: GraphQLSchema, keys: Map<string, string[]>): void {
  const field = schema.getQueryType()?.getFields()['_entities'];
  const resolve = field?.resolve;
  if (!field || !resolve) return;
  const guarded: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
    const representations = (args as { representations: unknown[] }).representations;
    representations.forEach((representation, index) => {
      if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
        throw badRepresentation(index, 'is not an object.');
      }
      const { __typename: typename } = representation as Record<string, unknown>;
      if (typeof typename !== 'string') throw badRepresentation(index, 'has no __typename string.');
      const keyFields = keys.get(typename);
      if (keyFields === undefined) throw badRepresentation(index, `names "${shown(typename)}", which is not an entity type of this subgraph.`);
      for (const key of keyFields) {
        if (typeof (representation as Record<string, unknown>)[key] !== 'string') {
          throw badRepresentation(index, `has no "${key}" string, the key of ${typename}.`);
        }
      }
    });
    return resolve(source, args, context, info);
  };
  field.resolve = guarded;
}

/**
 * A subscription needs a stream: WebSocket (graphql-ws) or Server-Sent Events (src/http/subscriptions.ts).
 * Over a plain HTTP request graphql-js would fail it at execution as a server error.
 */
export const refuseSubscriptions: ApolloServerPlugin<ContextValue> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError('Subscriptions are not served over a plain HTTP request: use a WebSocket (graphql-ws) or Server-Sent Events (Accept: text/event-stream) on /graphql.', {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      },
    };
  },
};
