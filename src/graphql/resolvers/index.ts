import type { Resolvers } from '../../generated/graphql';
import { Campaign } from './Campaign';
import { CampaignState } from './CampaignState';
import { Mutation } from './Mutation';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, Mutation, Campaign, CampaignState };
