import type { CampaignResolvers } from '../../generated/graphql';

export const Campaign: CampaignResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  state: (campaign, _args, ctx) => ctx.loaders.campaignState.load(campaign.id),
};
