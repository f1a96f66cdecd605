import type { CampaignsClient } from '../aws/campaignsClient';
import { CampaignService, type CampaignServiceOptions } from '../campaigns/campaignService';
import { UnknownAwsValue, type CampaignState } from '../campaigns/types';

/** What one poll read: the state of each id AWS answered for (null: AWS does not know it). */
export interface PolledStates {
  /** `asOf`: when AWS reported it (an answer the AWS boundary shared or kept carries its own time). */
  rows: Array<{ id: string; state: CampaignState | null; asOf: number }>;
  /** When the call was sent: what the states are "as of". */
  sentAt: number;
  /** When its answer came. */
  answeredAt: number;
}

/**
 * The live feed's only way to AWS: one GetCampaignStateBatch of up to 25 ids, through the AWS
 * boundary as a request's calls go (its deadline, breaker, attempts and histogram), priced one
 * call. An id AWS failed alone (failureCode UnknownError) is left out: what is known of it stays.
 * Throws the boundary's failure when the call fails as a whole.
 */
export async function pollStates(client: CampaignsClient, ids: readonly string[], serviceOptions?: CampaignServiceOptions): Promise<PolledStates> {
  // A background call: its token is a `refresh` one, below every read a caller waits on and every
  // action, and it never takes the tokens kept for actions.
  const aws = client.forRequest({ maxCalls: 1, priority: 'refresh' });
  try {
    const sentAt = Date.now();
    const lookups = await new CampaignService(aws, serviceOptions).getStates(ids);
    const answeredAt = Date.now();
    const rows: PolledStates['rows'] = [];
    lookups.forEach((lookup, i) => {
      if (lookup instanceof Error) return;
      // A state AWS added later is answered null, as the queries answer it (its warning and metric come from the service's `onUnknownValue`).
      const state = lookup === null || lookup.state instanceof UnknownAwsValue ? null : lookup.state;
      rows.push({ id: ids[i] as string, state, asOf: lookup?.asOf ?? sentAt });
    });
    return { rows, sentAt, answeredAt };
  } finally {
    aws.close();
  }
}
