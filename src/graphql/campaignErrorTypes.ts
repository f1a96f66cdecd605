import type { CampaignErrorCode, ResolversInterfaceTypes, ResolversTypes } from '../generated/graphql';
import type { CampaignExceptionName } from '../campaigns/awsErrors';

/** The schema's types implementing CampaignError, as the generated types name them. */
export type CampaignErrorTypename = ResolversInterfaceTypes<ResolversTypes>['CampaignError']['__typename'];

/**
 * What callers see of each documented AWS exception: its payload type and code. Checked by the
 * compiler against the generated types: every exception has a row, every name and code is the
 * schema's, and every CampaignError type is some exception's (see the check below).
 */
export const CAMPAIGN_ERROR_TYPES = {
  AccessDeniedException: { payloadType: 'CampaignAccessDeniedError', code: 'ACCESS_DENIED' },
  ConflictException: { payloadType: 'CampaignConflictError', code: 'CONFLICT' },
  InternalServerException: { payloadType: 'CampaignInternalServerError', code: 'INTERNAL_SERVER_ERROR' },
  InvalidCampaignStateException: { payloadType: 'InvalidCampaignStateError', code: 'INVALID_CAMPAIGN_STATE' },
  ResourceNotFoundException: { payloadType: 'CampaignNotFoundError', code: 'RESOURCE_NOT_FOUND' },
  ThrottlingException: { payloadType: 'CampaignThrottlingError', code: 'THROTTLING' },
  ValidationException: { payloadType: 'CampaignValidationError', code: 'VALIDATION' },
} as const satisfies Record<CampaignExceptionName, { payloadType: CampaignErrorTypename; code: CampaignErrorCode }>;

type Rows = (typeof CAMPAIGN_ERROR_TYPES)[CampaignExceptionName];
/** Compiles only while every CampaignError type and every code of the schema has its row. */
const everyTypeHasARow: [Exclude<CampaignErrorTypename, Rows['payloadType']>, Exclude<CampaignErrorCode, Rows['code']>] extends [never, never] ? true : never = true;
void everyTypeHasARow;
