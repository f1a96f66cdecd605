import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { Kind, parse, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers';

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
 * The SDL with `startCampaign`'s `@requiresScopes` naming `startScope` (AUTH_START_SCOPE), so
 * that a router composing this subgraph enforces the very scope the subgraph itself checks.
 */
export function withStartScope(typeDefs: DocumentNode, startScope: string): DocumentNode {
  return visit(typeDefs, {
    FieldDefinition(field) {
      if (field.name.value !== 'startCampaign') return undefined;
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
                      values: [{ kind: Kind.LIST, values: [{ kind: Kind.STRING, value: startScope }] }],
                    },
                  },
                ],
              },
        ),
      };
    },
  });
}

export function buildSchema({ startScope }: { startScope?: string } = {}): GraphQLSchema {
  const typeDefs = loadTypeDefs();
  return buildSubgraphSchema({
    typeDefs: startScope === undefined ? typeDefs : withStartScope(typeDefs, startScope),
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });
}
