import type { Resolvers } from '../../generated/graphql';
import { Campaign } from './Campaign';
import { CampaignState } from './CampaignState';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Subscription } from './Subscription';

export const resolvers: Resolvers = { Query, Mutation, Subscription, Campaign, CampaignState };
