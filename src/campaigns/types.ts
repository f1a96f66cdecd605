import { CampaignState } from '@aws-sdk/client-connectcampaignsv2';

/** AWS's campaign states ("Running", ...); GraphQL exposes them as RUNNING, ... */
export { CampaignState };

/**
 * What the gateway knows of a campaign: at least its id. Other fields are filled when
 * already known (e.g. from a list row) and otherwise loaded on demand.
 */
export interface CampaignRef {
  id: string;
  name?: string;
  arn?: string;
  connectInstanceId?: string;
}

/** The documented exceptions of StartCampaign, by the name AWS puts on the wire. */
export const START_CAMPAIGN_EXCEPTIONS = [
  'AccessDeniedException',
  'ConflictException',
  'InternalServerException',
  'InvalidCampaignStateException',
  'ResourceNotFoundException',
  'ThrottlingException',
  'ValidationException',
] as const;
export type StartCampaignExceptionName = (typeof START_CAMPAIGN_EXCEPTIONS)[number];

interface FailureBase {
  message: string;
  /** True exactly for the exceptions the AWS model marks @retryable. */
  retryable: boolean;
  /** AWS's request id; null when the gateway refused without calling AWS. */
  requestId: string | null;
}

/** A documented failure, named after the AWS exception it stands for. */
export type CampaignFailure =
  | (FailureBase & { kind: 'InvalidCampaignStateException'; state: CampaignState })
  | (FailureBase & { kind: 'ValidationException'; field: string | null })
  | (FailureBase & {
      kind: Exclude<StartCampaignExceptionName, 'InvalidCampaignStateException' | 'ValidationException'>;
    });

export type StartCampaignResult =
  | { ok: true; campaignId: string; requestId: string | null }
  | { ok: false; failure: CampaignFailure };
