import type { ResolversTypes, ResolversUnionTypes } from '../generated/graphql';
import type { CampaignFailure, StartCampaignResult } from '../campaigns/types';

/** A startCampaign payload: one member of StartCampaignResult. */
export type StartCampaignPayload = ResolversUnionTypes<ResolversTypes>['StartCampaignResult'];
/** The members of StartCampaignResult that are errors. */
type CampaignErrorPayload = Exclude<StartCampaignPayload, { __typename: 'StartCampaignSuccess' }>;

/** The GraphQL payload of a service result; the union resolves by `__typename`. */
export function toStartCampaignPayload(result: StartCampaignResult): StartCampaignPayload {
  if (result.ok) return { __typename: 'StartCampaignSuccess', campaign: { id: result.campaignId } };
  return toCampaignErrorPayload(result.failure);
}

/** A documented failure as its error payload (a CampaignError implementation). */
export function toCampaignErrorPayload(failure: CampaignFailure): CampaignErrorPayload {
  const { message, retryable, requestId } = failure;
  const base = { message, retryable, requestId };
  switch (failure.kind) {
    case 'AccessDeniedException':
      return { __typename: 'CampaignAccessDeniedError', code: 'ACCESS_DENIED', ...base };
    case 'ConflictException':
      return { __typename: 'CampaignConflictError', code: 'CONFLICT', ...base };
    case 'InternalServerException':
      return { __typename: 'CampaignInternalServerError', code: 'INTERNAL_SERVER_ERROR', ...base };
    case 'InvalidCampaignStateException':
      return { __typename: 'InvalidCampaignStateError', code: 'INVALID_CAMPAIGN_STATE', ...base, state: failure.state };
    case 'ResourceNotFoundException':
      return { __typename: 'CampaignNotFoundError', code: 'RESOURCE_NOT_FOUND', ...base };
    case 'ThrottlingException':
      return { __typename: 'CampaignThrottlingError', code: 'THROTTLING', ...base };
    case 'ValidationException':
      return { __typename: 'CampaignValidationError', code: 'VALIDATION', ...base, field: failure.field };
  }
}

/** The gateway's own refusal of a caller without the start scope; AWS is not called. */
export function missingScopePayload(scope: string): StartCampaignPayload {
  return {
    __typename: 'CampaignAccessDeniedError',
    code: 'ACCESS_DENIED',
    message: `Starting a campaign needs the "${scope}" scope.`,
    retryable: false,
    requestId: null,
  };
}
