import type { MutationResolvers } from '../../generated/graphql';
import { CAMPAIGN_ACTIONS, CAMPAIGN_ACTION_NAMES, type CampaignActionName } from '../../campaigns/campaignActions';
import { hasScope } from '../context';
import type { ContextValue } from '../context';
import { audited } from '../auditedAction';
import { missingScopePayload, toActionPayload, type CampaignActionPayload } from '../campaignActionPayload';

/** The resolver of one action's Mutation field: scope check, the service's `run`, the payload; audited. */
function actionResolver(action: CampaignActionName) {
  const spec = CAMPAIGN_ACTIONS[action];
  return (_parent: unknown, { id }: { id: string }, ctx: ContextValue): Promise<CampaignActionPayload> =>
    audited(ctx, action, id, async () => {
      const scope = ctx.actionScopes[spec.scope];
      if (!hasScope(ctx.principal, scope)) return { payload: missingScopePayload(action, scope), awsRequestId: null };
      const result = await ctx.campaigns.run(action, id);
      // The success payload reads the campaign's state afresh, not a value cached before the action.
      if (result.ok) ctx.loaders.campaignState.clear(id);
      return { payload: toActionPayload(action, result), awsRequestId: result.ok ? result.requestId : result.failure.requestId };
    });
}

/** One resolver per row of CAMPAIGN_ACTIONS (startCampaign, pauseCampaign, ...). */
export const Mutation = Object.fromEntries(
  CAMPAIGN_ACTION_NAMES.map((action) => [CAMPAIGN_ACTIONS[action].field, actionResolver(action)]),
) as MutationResolvers;
