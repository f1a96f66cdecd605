import DataLoader from 'dataloader';
import type { CampaignService } from './campaignService';
import type { CampaignDetails, CampaignSummary } from './types';

export type CampaignDetailsLoader = DataLoader<string, CampaignDetails | null>;
export type CampaignSummaryLoader = DataLoader<string, CampaignSummary | null>;

/**
 * Per-request loader of DescribeCampaign: each id is described at most once per request (AWS has
 * no batch describe, so ids of one tick become parallel calls). Unknown campaigns load as null.
 */
export function createCampaignDetailsLoader(service: CampaignService): CampaignDetailsLoader {
  const describe = (id: string) =>
    service.describe(id).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  return new DataLoader((ids) => Promise.all(ids.map(describe)));
}

/**
 * Per-request loader of what a ListCampaigns row tells (name, ARN, instance, ...). Rows of a list
 * prime it, so a listed campaign's summary fields cost nothing; any other campaign is described.
 */
export function createCampaignSummaryLoader(details: CampaignDetailsLoader): CampaignSummaryLoader {
  return new DataLoader((ids) => details.loadMany(ids));
}
