import type { ResolversTypes, ResolversUnionTypes } from '../generated/graphql';
import { CAMPAIGN_ACTIONS, type CampaignActionName } from '../campaigns/campaignActions';
import type { CampaignActionResult, CampaignFailure } from '../campaigns/types';
import { CAMPAIGN_ERROR_TYPES } from './campaignErrorTypes';

type Unions = ResolversUnionTypes<ResolversTypes>;
/** The result union of each action, as the table names it. */
type ResultTypeOf<A extends CampaignActionName> = (typeof CAMPAIGN_ACTIONS)[A]['resultType'];
/** One member of an action's result union (e.g. StartCampaignResult for 'start'). */
export type CampaignActionPayload<A extends CampaignActionName = CampaignActionName> = Unions[ResultTypeOf<A>];
/** The error members, the same seven in every action's union. */
export type CampaignErrorPayload = Exclude<CampaignActionPayload<'start'>, { __typename: 'StartCampaignSuccess' }>;

/** The GraphQL payload of a service result; the union resolves by `__typename`. */
export function toActionPayload(action: CampaignActionName, result: CampaignActionResult): CampaignActionPayload {
  if (result.ok) {
    return { __typename: CAMPAIGN_ACTIONS[action].successType, campaign: { id: result.campaignId } } as CampaignActionPayload;
  }
  return toCampaignErrorPayload(result.failure);
}

/** A documented failure as its error payload (a CampaignError implementation), from CAMPAIGN_ERROR_TYPES. */
export function toCampaignErrorPayload(failure: CampaignFailure): CampaignErrorPayload {
  const { message, retryable, requestId } = failure;
  const { payloadType, code } = CAMPAIGN_ERROR_TYPES[failure.kind];
  const extra =
    failure.kind === 'InvalidCampaignStateException'
      ? { state: failure.state }
      : failure.kind === 'ValidationException'
        ? { field: failure.field }
        : {};
  return { __typename: payloadType, code, message, retryable, requestId, ...extra } as CampaignErrorPayload;
}

/** The gateway's own refusal of a caller without the action's scope; AWS is not called. */
export function missingScopePayload(action: CampaignActionName, scope: string): CampaignErrorPayload {
  const { payloadType, code } = CAMPAIGN_ERROR_TYPES.AccessDeniedException;
  return {
    __typename: payloadType,
    code,
    message: `${CAMPAIGN_ACTIONS[action].field} needs the "${scope}" scope.`,
    retryable: false,
    requestId: null,
  };
}
