import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { composeServices } from '@apollo/composition';
import { isObjectType, parse, type GraphQLSchema } from 'graphql';
import { subgraphSdl } from '../../src/scripts/printSubgraphSchema';
import { budgetsTypeDefs } from '../helpers/budgetsSubgraph';
import { startHarness, type Harness } from '../helpers/gatewayHarness';

// The compiled script, as `npm run schema:print` runs it (`npm test` builds first).
const PRINT_SCRIPT = join(__dirname, '..', '..', 'dist', 'src', 'scripts', 'printSubgraphSchema.js');

function compose(ourSdl: string, pageInfoShareable = true) {
  return composeServices([
    { name: 'campaigns', typeDefs: parse(ourSdl), url: 'http://campaigns.invalid/graphql' },
    { name: 'budgets', typeDefs: budgetsTypeDefs(pageInfoShareable), url: 'http://budgets.invalid/graphql' },
  ]);
}

function fieldsOf(apiSchema: GraphQLSchema, name: string): string[] {
  const type = apiSchema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return Object.keys(type.getFields()).sort();
}

let h: Harness;
let servedSdl: string;
beforeAll(async () => {
  h = await startHarness();
  const res = await h.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
  servedSdl = res.body.data!._service.sdl;
});
afterAll(() => h.close());

describe('the subgraph in a supergraph (@apollo/composition)', () => {
  it('publishes its SDL through _service { sdl }, with Campaign as an entity keyed by id', () => {
    expect(servedSdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
    expect(servedSdl).toMatch(/type Campaign\s+@key\(fields: "id"\)/);
    expect(servedSdl).toMatch(/type PageInfo\s+@shareable/);
  });

  it('keeps serving _service { sdl } in production, where introspection is off (routers and rover need it)', async () => {
    const production = await startHarness({ env: { NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'emulator' } });
    try {
      const introspection = await production.graphql('{ __schema { queryType { name } } }');
      expect(introspection.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const service = await production.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
      expect(service.body.data?._service.sdl).toBe(servedSdl);
    } finally {
      await production.close();
    }
  });

  it('prints for rover exactly the SDL it serves', async () => {
    expect(await subgraphSdl()).toBe(servedSdl.endsWith('\n') ? servedSdl : `${servedSdl}\n`);
  });

  (existsSync(PRINT_SCRIPT) ? it : it.skip)('writes that SDL to a file with the compiled schema:print script', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'subgraph-sdl-')), 'schema.subgraph.graphql');
    await promisify(execFile)(process.execPath, [PRINT_SCRIPT, file]);
    expect(readFileSync(file, 'utf8')).toBe(await subgraphSdl());
  });

  it('composes beside a subgraph with generic Error, ValidationError, NotFoundError and its own PageInfo', () => {
    const result = compose(servedSdl);
    expect(result.errors).toBeUndefined();
    const api = result.schema!.toAPISchema().toGraphQLJSSchema();
    // Their generic names and our prefixed ones live side by side.
    for (const name of ['Error', 'ValidationError', 'NotFoundError', 'CampaignError', 'CampaignValidationError', 'CampaignNotFoundError']) {
      expect(api.getType(name)).toBeDefined();
    }
    // One Campaign with fields from both subgraphs; one PageInfo merged from both.
    expect(fieldsOf(api, 'Campaign')).toEqual(expect.arrayContaining(['id', 'state', 'name', 'budget']));
    expect(fieldsOf(api, 'PageInfo')).toEqual(['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']);
    expect(fieldsOf(api, 'Query')).toEqual(['budgets', 'campaign', 'campaigns']);
    expect(fieldsOf(api, 'Mutation')).toEqual(['pauseCampaign', 'resumeCampaign', 'setBudget', 'startCampaign', 'stopCampaign']);
  });

  it('needs the other PageInfo to be @shareable too (PageInfo is the one contract name without a prefix)', () => {
    const result = compose(servedSdl, false);
    expect(result.errors?.map((e) => e.extensions['code'])).toContain('INVALID_FIELD_SHARING');
    expect(result.errors?.map((e) => e.message).join('\n')).toContain('PageInfo');
  });
});
