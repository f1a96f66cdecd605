import {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  InvalidCampaignStateException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  type ConnectCampaignsV2ServiceException,
} from '@aws-sdk/client-connectcampaignsv2';

/**
 * The seven exceptions AWS documents for every lifecycle action (StartCampaign, PauseCampaign,
 * ResumeCampaign, StopCampaign), listed once, as AWS says them: the name on the wire, the SDK's
 * class and the HTTP status AWS answers it with. Retryability is read from the SDK's class below.
 * What callers see of each is the GraphQL layer's (src/graphql/campaignErrorTypes.ts).
 */
export const CAMPAIGN_EXCEPTIONS = {
  AccessDeniedException: { sdkClass: AccessDeniedException, status: 403 },
  ConflictException: { sdkClass: ConflictException, status: 409 },
  InternalServerException: { sdkClass: InternalServerException, status: 500 },
  InvalidCampaignStateException: { sdkClass: InvalidCampaignStateException, status: 409 },
  ResourceNotFoundException: { sdkClass: ResourceNotFoundException, status: 404 },
  ThrottlingException: { sdkClass: ThrottlingException, status: 429 },
  ValidationException: { sdkClass: ValidationException, status: 400 },
} as const;

export type CampaignExceptionName = keyof typeof CAMPAIGN_EXCEPTIONS;

/** The exception names, in the table's order. */
export const CAMPAIGN_EXCEPTION_NAMES = Object.keys(CAMPAIGN_EXCEPTIONS) as CampaignExceptionName[];

type ExceptionClass = new (opts: { message: string; $metadata: object; state?: never }) => ConnectCampaignsV2ServiceException;

/**
 * Whether the AWS model marks the exception @retryable: the SDK's generated class then carries a
 * `$retryable` member (an instance field, so an instance is needed to see it).
 */
function sdkRetryable(sdkClass: ExceptionClass): boolean {
  const sample = new sdkClass({ message: '', $metadata: {} }) as { $retryable?: unknown };
  return sample.$retryable !== undefined;
}

const RETRYABLE: ReadonlySet<string> = new Set(
  CAMPAIGN_EXCEPTION_NAMES.filter((name) => sdkRetryable(CAMPAIGN_EXCEPTIONS[name].sdkClass as unknown as ExceptionClass)),
);

/** True exactly for the exceptions the AWS model (as the SDK carries it) marks @retryable. */
export function isRetryable(name: CampaignExceptionName): boolean {
  return RETRYABLE.has(name);
}

const NAMES: ReadonlySet<string> = new Set(CAMPAIGN_EXCEPTION_NAMES);

export function isCampaignException(name: unknown): name is CampaignExceptionName {
  return typeof name === 'string' && NAMES.has(name);
}
