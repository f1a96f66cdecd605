import { GraphQLError } from 'graphql';
import type { UnknownAwsValue } from '../campaigns/types';

/** `extensions.code` of a field that depends on a campaign state this gateway does not know yet. */
export const UNKNOWN_CAMPAIGN_STATE = 'UNKNOWN_CAMPAIGN_STATE';

/** Longest AWS value quoted back to a caller. */
const MAX_QUOTED_LENGTH = 64;

/**
 * Why a field that follows from the state (availableActions) is null: AWS reports a state added
 * after this gateway was built. Meant for callers (not masked); the value is logged once per
 * process and counted (observability/unknownAwsValues.ts).
 */
export function unknownCampaignStateError(unknown: UnknownAwsValue): GraphQLError {
  const value = unknown.value.length > MAX_QUOTED_LENGTH ? `${unknown.value.slice(0, MAX_QUOTED_LENGTH)}…` : unknown.value;
  return new GraphQLError(
    `AWS reports this campaign in a state this gateway does not know ("${value}"), so the actions it allows are not known; \`state\` is null.`,
    { extensions: { code: UNKNOWN_CAMPAIGN_STATE, awsValue: value } },
  );
}
