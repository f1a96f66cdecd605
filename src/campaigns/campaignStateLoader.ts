import DataLoader from 'dataloader';
import { STATE_BATCH_LIMIT, type CampaignService } from './campaignService';
import type { CampaignStateAsOf } from './types';

/** A campaign's state (or one this gateway does not know yet) with when AWS reported it; null when AWS does not know the campaign. */
export type CampaignStateLoader = DataLoader<string, CampaignStateAsOf | null>;

/**
 * Per-request loader of campaign states: every `state` field of one operation is batched into
 * GetCampaignStateBatch calls of at most 25 ids, each id asked once.
 *
 * DataLoader's default scheduling (dispatch once the microtask queue has drained) is kept on
 * purpose: loads made at different promise depths of one execution step still share a batch, as
 * the budget tests measure (⌈N/25⌉ calls by aliases, `_entities` and lists). Only loads separated
 * by I/O (e.g. a list waiting on ListCampaigns) fall into separate batches, and no scheduling
 * could join those without delaying the first.
 */
export function createCampaignStateLoader(service: CampaignService): CampaignStateLoader {
  return new DataLoader((ids) => service.getStates(ids), { maxBatchSize: STATE_BATCH_LIMIT });
}
