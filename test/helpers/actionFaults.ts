import { CAMPAIGN_EXCEPTION_NAMES, isRetryable } from '../../src/aws/exceptions';
import { CAMPAIGN_ERROR_TYPES } from '../../src/graphql/campaignErrorTypes';

/**
 * The documented exceptions the emulator can be told to answer to any action (start, pause, resume,
 * stop), with the payload each must become: [AWS exception, payload __typename, code, retryable],
 * from the gateway's one list (which test/unit/campaignActions.test.ts holds to the table in
 * docs/api.md and to the SDK's classes). InvalidCampaignState and ResourceNotFound need no fault:
 * a campaign in the wrong state or an unknown one answers them.
 */
export const ACTION_FAULTS: ReadonlyArray<[exception: string, typename: string, code: string, retryable: boolean]> =
  CAMPAIGN_EXCEPTION_NAMES.filter((name) => name !== 'InvalidCampaignStateException' && name !== 'ResourceNotFoundException').map(
    (name) => [name, CAMPAIGN_ERROR_TYPES[name].payloadType, CAMPAIGN_ERROR_TYPES[name].code, isRetryable(name)],
  );
