import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { Kind, parse, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { CAMPAIGN_ACTIONS, actionByField, type ActionScope } from '../campaigns/campaignActions';
import { resolvers } from './resolvers';
import { entityKeys, guardEntityRepresentations } from './clientMistakes';

/** schema/ sits at the package root, above both src/ (tests) and dist/src/ (compiled). */
function schemaDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'schema');
    if (existsSync(join(candidate, 'campaign.graphql'))) return candidate;
  }
  throw new Error(`schema/ not found above ${__dirname}`);
}

/** The subgraph's SDL, from schema/*.graphql (the single source of truth, also for codegen). */
export function loadTypeDefs(): DocumentNode {
  const dir = schemaDir();
  const sdl = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
  return parse(sdl);
}

/**
 * The SDL with each action's `@requiresScopes` naming its configured scope (AUTH_START_SCOPE or
 * AUTH_STOP_SCOPE, per CAMPAIGN_ACTIONS), so that a router composing this subgraph enforces the
 * very scopes the subgraph itself checks.
 */
export function withActionScopes(typeDefs: DocumentNode, scopes: Readonly<Record<ActionScope, string>>): DocumentNode {
  return visit(typeDefs, {
    FieldDefinition(field) {
      const action = actionByField(field.name.value);
      if (action === undefined) return undefined;
      const scope = scopes[CAMPAIGN_ACTIONS[action].scope];
      return {
        ...field,
        directives: field.directives?.map((directive) =>
          directive.name.value !== 'requiresScopes'
            ? directive
            : {
                ...directive,
                arguments: [
                  {
                    kind: Kind.ARGUMENT,
                    name: { kind: Kind.NAME, value: 'scopes' },
                    value: {
                      kind: Kind.LIST,
                      values: [{ kind: Kind.LIST, values: [{ kind: Kind.STRING, value: scope }] }],
                    },
                  },
                ],
              },
        ),
      };
    },
  });
}

const SECURITY_DIRECTIVES = new Set(['authenticated', 'requiresScopes']);

/**
 * The SDL without @authenticated / @requiresScopes (usages and @link imports), for supergraphs
 * run by @apollo/gateway, which refuses a supergraph with security features it cannot enforce.
 */
export function withoutAuthDirectives(typeDefs: DocumentNode): DocumentNode {
  return visit(typeDefs, {
    Directive(directive) {
      if (SECURITY_DIRECTIVES.has(directive.name.value)) return null;
      if (directive.name.value !== 'link') return undefined;
      return {
        ...directive,
        arguments: directive.arguments?.map((argument) =>
          argument.name.value !== 'import' || argument.value.kind !== Kind.LIST
            ? argument
            : {
                ...argument,
                value: {
                  ...argument.value,
                  values: argument.value.values.filter(
                    (value) => !(value.kind === Kind.STRING && SECURITY_DIRECTIVES.has(value.value.replace(/^@/, ''))),
                  ),
                },
              },
        ),
      };
    },
  });
}

export interface SchemaOptions {
  /** AUTH_START_SCOPE and AUTH_STOP_SCOPE, written into each action's @requiresScopes. */
  scopes?: Readonly<Record<ActionScope, string>>;
  /** SCHEMA_AUTH_DIRECTIVES: declare @authenticated / @requiresScopes (default true). */
  authDirectives?: boolean;
}

export function buildSchema({ scopes, authDirectives = true }: SchemaOptions = {}): GraphQLSchema {
  let typeDefs = loadTypeDefs();
  if (!authDirectives) typeDefs = withoutAuthDirectives(typeDefs);
  else if (scopes !== undefined) typeDefs = withActionScopes(typeDefs, scopes);
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> });
  guardEntityRepresentations(schema, entityKeys(typeDefs));
  return schema;
}
