import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { Config } from '../../config';
import type { ContextValue } from '../context';

export interface OperationLimits {
  plugins: ApolloServerPlugin<ContextValue>[];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
}

/**
 * Size limits on one operation, all checked before anything executes: tokens while parsing
 * (graphql-js's own `maxTokens`: armor's token plugin throws from a hook Apollo Server 5 answers
 * with a 500); depth, aliases, directives and cost while validating (graphql-armor's rules). A
 * refusal is a 400 with a message naming the limit. Field suggestions ("Did you mean ...?") are hidden in production,
 * like introspection, so the schema cannot be guessed field by field.
 */
export function operationLimits(config: Pick<Config, 'limits' | 'production'>): OperationLimits {
  const { depth, aliases, directives, tokens, cost } = config.limits;
  const armor = new ApolloArmor({
    maxTokens: { enabled: false },
    maxDepth: { n: depth },
    maxAliases: { n: aliases },
    maxDirectives: { n: directives },
    costLimit: { maxCost: cost },
    blockFieldSuggestion: { enabled: config.production },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins: plugins as ApolloServerPlugin<ContextValue>[], validationRules, parseOptions: { maxTokens: tokens } };
}
