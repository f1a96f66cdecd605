import { GraphQLError } from 'graphql';
import type { QueryResolvers } from '../../generated/graphql';
import { campaignIdProblem } from '../../campaigns/campaignId';
import { LIST_MAX_FIRST } from '../../campaigns/campaignService';
import { connectInstanceIdProblem } from '../../campaigns/connectInstanceId';
import type { ListPosition } from '../../campaigns/types';

const DEFAULT_FIRST = 20;

function badInput(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

export const Query: QueryResolvers = {
  async campaign(_parent, { id }, ctx) {
    const problem = campaignIdProblem(id);
    if (problem !== null) throw badInput(problem, 'id');
    const state = await ctx.loaders.campaignState.load(id);
    return state === null ? null : { id };
  },

  async campaigns(_parent, args, ctx) {
    // An explicit `first: null` means the default, like an omitted one.
    const first = args.first ?? DEFAULT_FIRST;
    if (first < 1 || first > LIST_MAX_FIRST) {
      throw badInput(`first must be from 1 to ${LIST_MAX_FIRST} (got ${first}).`, 'first');
    }
    const connectInstanceId = args.connectInstanceId ?? null;
    const instanceProblem = connectInstanceId === null ? null : connectInstanceIdProblem(connectInstanceId);
    if (instanceProblem !== null) throw badInput(instanceProblem, 'connectInstanceId');
    let after: ListPosition | null = null;
    if (args.after != null) {
      const decoded = ctx.cursors.decode(args.after);
      if (decoded === null) throw badInput('after is not a cursor of this list.', 'after');
      if (decoded.connectInstanceId !== connectInstanceId) {
        throw badInput('after is a cursor of a list with another connectInstanceId.', 'after');
      }
      after = decoded.position;
    }

    const page = await ctx.campaigns.list({ first, after, connectInstanceId });
    // Rows prime the summary loader: a listed campaign's name, ARN, ... cost no DescribeCampaign.
    for (const { campaign } of page.items) ctx.loaders.campaignSummary.prime(campaign.id, campaign);
    const edges = page.items.map(({ campaign, after: place }) => ({
      cursor: ctx.cursors.encode(place, connectInstanceId),
      node: { id: campaign.id },
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: after !== null && (after.token !== null || after.offset > 0),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: page.end === null ? null : ctx.cursors.encode(page.end, connectInstanceId),
      },
    };
  },
};
