import DataLoader from 'dataloader';
import { STATE_BATCH_LIMIT, type CampaignService } from './campaignService';
import type { CampaignState } from './types';

export type CampaignStateLoader = DataLoader<string, CampaignState | null>;

/**
 * Per-request loader of campaign states: every `state` field of one operation is batched into
 * GetCampaignStateBatch calls of at most 25 ids, each id asked once.
 */
export function createCampaignStateLoader(service: CampaignService): CampaignStateLoader {
  return new DataLoader((ids) => service.getStates(ids), { maxBatchSize: STATE_BATCH_LIMIT });
}
