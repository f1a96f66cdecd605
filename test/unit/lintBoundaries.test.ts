import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The folder layering (eslint.config.mjs) is live: a planted back-edge fails the lint that
 * `npm test` runs, and the same import downward passes. Linted from text (ESLint's API, in a
 * plain Node process: Jest cannot load the ESM config), so nothing is written.
 */
const root = join(__dirname, '..', '..');

const LINT_TEXTS = `
const { ESLint } = require('eslint');
const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: process.cwd() });
(async () => {
  const out = [];
  for (const [filePath, code] of cases) {
    const [result] = await eslint.lintText(code, { filePath });
    out.push(result.messages.filter((m) => /^boundaries\\/|^no-restricted-imports$|^@graphql-eslint\\//.test(m.ruleId || '')).map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

const planted: Array<[string, string, string, 'fails' | 'passes']> = [];
const results = new Map<string, string[]>();
// Every case is linted in one ESLint process, on first use (loading ESLint and its plugins is the slow part).

function plant(edge: string, filePath: string, code: string, expected: 'fails' | 'passes'): [string, string, string] {
  planted.push([edge, filePath, code, expected]);
  return [edge, filePath, code];
}

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  if (results.size === 0) {
    const input = JSON.stringify(planted.map(([, file, text]) => [join(root, file), text]));
    const output = JSON.parse(execFileSync(process.execPath, ['-e', LINT_TEXTS], { cwd: root, input, encoding: 'utf8' })) as string[][];
    planted.forEach(([, file, text], i) => results.set(`${file}\n${text}`, output[i] ?? []));
  }
  return results.get(`${filePath}\n${code}`) ?? ['not linted'];
}

describe('the import-boundary lint rule', () => {
  it.each([
    plant('live → graphql', 'src/live/planted.ts', "import type { ContextValue } from '../graphql/context';\nexport type X = ContextValue;\n", 'fails'),
    plant('campaigns → live', 'src/campaigns/planted.ts', "import type { LiveStateFeed } from '../live/liveStates';\nexport type X = LiveStateFeed;\n", 'fails'),
    plant('aws → campaigns', 'src/aws/planted.ts', "import type { CampaignFailure } from '../campaigns/types';\nexport type X = CampaignFailure;\n", 'fails'),
    plant('auth → graphql', 'src/auth/planted.ts', "import type { ContextValue } from '../graphql/context';\nexport type X = ContextValue;\n", 'fails'),
    plant('observability → graphql', 'src/observability/planted.ts', "import type { ContextValue } from '../graphql/context';\nexport type X = ContextValue;\n", 'fails'),
    plant('observability → aws', 'src/observability/planted.ts', "import type { CampaignsApi } from '../aws/campaignsClient';\nexport type X = CampaignsApi;\n", 'fails'),
    plant('aws → observability', 'src/aws/planted.ts', "import type { Metrics } from '../observability/metrics';\nexport type X = Metrics;\n", 'fails'),
    plant('graphql → aws (past the service)', 'src/graphql/planted.ts', "import type { CampaignsApi } from '../aws/campaignsClient';\nexport type X = CampaignsApi;\n", 'fails'),
    plant('campaigns → the composition root', 'src/campaigns/planted.ts', "import type { Gateway } from '../gateway';\nexport type X = Gateway;\n", 'fails'),
    plant('config → a layer', 'src/config.ts', "import type { Principal } from './auth/principal';\nexport type X = Principal;\n", 'fails'),
  ])('fails on a planted back-edge: %s', async (_edge, filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([expect.stringMatching(/no policy allowing|imports none of them/i)]);
  });

  it.each([
    plant('campaigns → aws', 'src/campaigns/planted.ts', "import type { CampaignsApi } from '../aws/campaignsClient';\nexport type X = CampaignsApi;\n", 'passes'),
    plant('aws → config', 'src/aws/planted.ts', "import type { Config } from '../config';\nexport type X = Config;\n", 'passes'),
    plant('graphql → auth', 'src/graphql/planted.ts', "import type { Principal } from '../auth/principal';\nexport type X = Principal;\n", 'passes'),
    plant('graphql → live', 'src/graphql/planted.ts', "import type { LiveStateFeed } from '../live/liveStates';\nexport type X = LiveStateFeed;\n", 'passes'),
  ])('passes the same kind of import downward: %s', async (_edge, filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([]);
  });
});

describe('the schema lint rules (@graphql-eslint)', () => {
  it.each([
    plant('a type without a description', 'schema/planted.graphql', 'type CampaignPlanted {\n  "Its id."\n  id: ID!\n}\n', 'fails'),
    plant('a field not in camelCase', 'schema/planted.graphql', '"A planted type."\ntype CampaignPlanted {\n  "Its id."\n  planted_id: ID!\n}\n', 'fails'),
  ])('fails on %s', async (_case, filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([expect.stringMatching(/Description is required|should be in camelCase/)]);
  });

  it.each([plant('a described, well-named type', 'schema/planted.graphql', '"A planted type."\ntype CampaignPlanted {\n  "Its id."\n  plantedId: ID!\n}\n', 'passes')])(
    'passes %s',
    async (_case, filePath, code) => {
      expect(await boundaryErrors(filePath, code)).toEqual([]);
    },
  );
});
