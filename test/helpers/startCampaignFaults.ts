/**
 * The documented StartCampaign exceptions the emulator can be told to answer, with the payload
 * each must become: [AWS exception, payload __typename, code, retryable] (CONTRACT.md's table).
 * InvalidCampaignState and ResourceNotFound need no fault: a running or unknown campaign answers them.
 */
export const START_FAULTS: ReadonlyArray<[exception: string, typename: string, code: string, retryable: boolean]> = [
  ['AccessDeniedException', 'CampaignAccessDeniedError', 'ACCESS_DENIED', false],
  ['ConflictException', 'CampaignConflictError', 'CONFLICT', false],
  ['InternalServerException', 'CampaignInternalServerError', 'INTERNAL_SERVER_ERROR', true],
  ['ThrottlingException', 'CampaignThrottlingError', 'THROTTLING', true],
  ['ValidationException', 'CampaignValidationError', 'VALIDATION', false],
];
