import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
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

export function buildSchema(): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: loadTypeDefs(),
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });
}
