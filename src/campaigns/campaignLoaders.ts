import type { CampaignService } from './campaignService';
import {
  createCampaignDetailsLoader,
  createCampaignSummaryLoader,
  type CampaignDetailsLoader,
  type CampaignSummaryLoader,
} from './campaignDetailsLoader';
import { createCampaignStateLoader, type CampaignStateLoader } from './campaignStateLoader';

/** The loaders of one request. Made per request, never shared: their caches hold that request's view of AWS. */
export interface CampaignLoaders {
  /** GetCampaignStateBatch, 25 ids a call. */
  campaignState: CampaignStateLoader;
  /** DescribeCampaign. */
  campaignDetails: CampaignDetailsLoader;
  /** ListCampaigns rows (primed by lists), else DescribeCampaign. */
  campaignSummary: CampaignSummaryLoader;
}

export function createCampaignLoaders(service: CampaignService): CampaignLoaders {
  const campaignDetails = createCampaignDetailsLoader(service);
  return {
    campaignState: createCampaignStateLoader(service),
    campaignDetails,
    campaignSummary: createCampaignSummaryLoader(campaignDetails),
  };
}
