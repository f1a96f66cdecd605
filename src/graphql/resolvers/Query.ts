import { GraphQLError } from 'graphql';
import type { QueryResolvers } from '../../generated/graphql';
import { campaignIdProblem } from '../../campaigns/campaignId';

export const Query: QueryResolvers = {
  async campaign(_parent, { id }, ctx) {
    const problem = campaignIdProblem(id);
    if (problem !== null) {
      throw new GraphQLError(problem, { extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
    }
    const state = await ctx.loaders.campaignState.load(id);
    return state === null ? null : { id };
  },
};
