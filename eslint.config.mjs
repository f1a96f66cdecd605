// ESLint flat config: TypeScript (typescript-eslint), the folder layering (eslint-plugin-boundaries)
// and the schema (@graphql-eslint). `npm run lint`; `npm test` runs it first.
import js from '@eslint/js';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The layers, top to bottom: a module may import its own layer and the layers listed for it (and
 * src/config.ts), never one above. The files directly in src/ (gateway.ts, server.ts, main.ts: the
 * composition root) wire them all; the emulator reads only the campaigns layer's action table.
 */
const LAYERS = {
  scripts: ['graphql'],
  http: ['graphql', 'auth', 'observability'],
  graphql: ['generated', 'campaigns', 'live', 'auth', 'observability'],
  generated: ['graphql', 'campaigns'],
  // The live campaign-state feed: one poll per campaign for the fleet, pushed to subscribers.
  live: ['campaigns', 'aws', 'observability'],
  campaigns: ['aws'],
  aws: [],
  auth: [],
  observability: [],
  // The emulator plays AWS's state machine from the same action table the gateway offers actions by.
  emulator: ['campaigns'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'examples/**/__generated__/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'boundaries/include': ['src/**/*.ts'],
      'boundaries/elements': [
        ...['http', 'graphql', 'generated', 'live', 'campaigns', 'aws', 'auth', 'observability', 'emulator', 'scripts'].map((type) => ({
          type,
          pattern: `src/${type}`,
          partialMatch: false,
        })),
        // The files directly in src/: config.ts, and the composition root (gateway.ts, server.ts, main.ts).
        { type: 'root', pattern: 'src', partialMatch: false },
      ],
      'boundaries/files': [{ category: 'config', pattern: 'src/config.ts' }],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...Object.entries(LAYERS).map(([from, below]) => ({
              from: { element: { type: from } },
              allow: { to: { element: { types: { anyOf: [from, ...below] } } } },
            })),
            // Every layer may read the configuration (config.ts itself imports no layer: see below).
            { from: { element: { type: '!root' } }, allow: { to: { element: { type: 'root' }, file: { categories: 'config' } } } },
            { from: { element: { type: 'root' } }, allow: { to: { element: { types: { anyOf: Object.keys(LAYERS) } } } } },
          ],
        },
      ],
      // Every file of src/ belongs to a layer.
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    // Below every layer, like auth and observability: the configuration imports none of them.
    files: ['src/config.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['./*', '../*'], message: 'config.ts sits below every layer and imports none of them.' }] }],
    },
  },
  {
    files: ['schema/*.graphql'],
    languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: 'schema/*.graphql' } } },
    plugins: { '@graphql-eslint': graphqlPlugin },
    rules: {
      '@graphql-eslint/require-description': [
        'error',
        { types: true, FieldDefinition: true, EnumValueDefinition: true, InputValueDefinition: true, rootField: true },
      ],
      '@graphql-eslint/naming-convention': [
        'error',
        {
          types: 'PascalCase',
          FieldDefinition: 'camelCase',
          InputValueDefinition: 'camelCase',
          EnumValueDefinition: 'UPPER_CASE',
          allowLeadingUnderscore: false,
        },
      ],
      '@graphql-eslint/no-typename-prefix': 'error',
      '@graphql-eslint/unique-enum-value-names': 'error',
    },
  },
);
