import type { CampaignResolvers } from '../../generated/graphql';
import { UnknownAwsValue, type CampaignDetails, type CampaignRef, type CampaignSummary } from '../../campaigns/types';
import { CAMPAIGN_ACTIONS, availableActions } from '../../campaigns/campaignActions';
import type { ContextValue } from '../context';
import { unknownCampaignStateError } from '../unknownAwsValue';

type SummaryField = Exclude<keyof CampaignSummary, 'id'>;
type DetailsField = Exclude<keyof CampaignDetails, keyof CampaignSummary>;

/** A field a ListCampaigns row carries: free for listed campaigns (primed), else DescribeCampaign. */
function fromSummary<F extends SummaryField>(field: F) {
  return async (campaign: CampaignRef, _args: unknown, ctx: ContextValue): Promise<CampaignSummary[F] | null> =>
    (await ctx.loaders.campaignSummary.load(campaign.id))?.[field] ?? null;
}

/** A field only DescribeCampaign tells; one call per campaign, shared by all such fields. */
function fromDetails<F extends DetailsField>(field: F) {
  return async (campaign: CampaignRef, _args: unknown, ctx: ContextValue): Promise<CampaignDetails[F] | null> =>
    (await ctx.loaders.campaignDetails.load(campaign.id))?.[field] ?? null;
}

/**
 * Where each field's value comes from, and so what it costs (docs/api.md, the cost table): `state`
 * from the batched state loader, `summary` from a list row when primed (else DescribeCampaign),
 * `details` from DescribeCampaign. The AWS call budget (limits/awsCallBudget.ts) prices an
 * operation by it; a field missing here is priced as `details`.
 */
export type CampaignFieldSource = 'free' | 'state' | 'summary' | 'details';
export const CAMPAIGN_FIELD_SOURCES: Readonly<Record<string, CampaignFieldSource>> = {
  id: 'free',
  state: 'state',
  stateAsOf: 'state',
  availableActions: 'state',
  name: 'summary',
  arn: 'summary',
  connectInstanceId: 'summary',
  type: 'summary',
  channelSubtypes: 'summary',
  schedule: 'summary',
  connectCampaignFlowArn: 'summary',
  source: 'details',
  telephony: 'details',
  timeZone: 'details',
  tags: 'details',
};

export const Campaign: CampaignResolvers = {
  // Through the batched state loader, so `_entities` for N campaigns costs ⌈N/25⌉ calls and the
  // `state` fields that follow are already cached. A campaign AWS does not know resolves to null.
  async __resolveReference({ id }, ctx) {
    return (await ctx.loaders.campaignState.load(id)) === null ? null : { id };
  },
  // A state AWS added after this gateway was built is answered null (availableActions says why).
  async state(campaign, _args, ctx) {
    const state = (await ctx.loaders.campaignState.load(campaign.id))?.state ?? null;
    return state instanceof UnknownAwsValue ? null : state;
  },
  // From the same read as `state`: no AWS call of its own.
  async stateAsOf(campaign, _args, ctx) {
    const known = await ctx.loaders.campaignState.load(campaign.id);
    return known === null ? null : new Date(known.asOf).toISOString();
  },
  // From the state the request already loads (no AWS call of its own), by the table the emulator's
  // state machine uses too. A failed state read throws here: this field is null, not the campaign;
  // so does a state this gateway does not know, whose actions cannot be told.
  async availableActions(campaign, _args, ctx) {
    const known = await ctx.loaders.campaignState.load(campaign.id);
    if (known?.state instanceof UnknownAwsValue) throw unknownCampaignStateError(known.state);
    return known === null ? [] : availableActions(known.state).map((action) => CAMPAIGN_ACTIONS[action].enumValue);
  },
  name: fromSummary('name'),
  arn: fromSummary('arn'),
  connectInstanceId: fromSummary('connectInstanceId'),
  type: fromSummary('type'),
  channelSubtypes: fromSummary('channelSubtypes'),
  schedule: fromSummary('schedule'),
  connectCampaignFlowArn: fromSummary('connectCampaignFlowArn'),
  source: fromDetails('source'),
  telephony: fromDetails('telephony'),
  timeZone: fromDetails('timeZone'),
  tags: fromDetails('tags'),
};
