import type { CampaignStateResolvers } from '../../generated/graphql';
import { CampaignState as AwsCampaignState } from '../../campaigns/types';

/** GraphQL enum values to AWS's wire values, so resolvers pass AWS states through unchanged. */
export const CampaignState: CampaignStateResolvers = { ...AwsCampaignState };
