/**
 * The documented exceptions of StartCampaign, PauseCampaign, ResumeCampaign and StopCampaign (the
 * same seven for each), by the name AWS puts on the wire. Here, below the service layer, so that
 * both the service (which maps them) and the client (which labels metrics by them) can read it.
 */
export const CAMPAIGN_ACTION_EXCEPTIONS = [
  'AccessDeniedException',
  'ConflictException',
  'InternalServerException',
  'InvalidCampaignStateException',
  'ResourceNotFoundException',
  'ThrottlingException',
  'ValidationException',
] as const;
