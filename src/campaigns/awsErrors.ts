import { CampaignState } from './types';
import type { CampaignFailure } from './types';
import { isCampaignException, isRetryable } from '../aws/exceptions';
/** The one list of documented exceptions, for the layers above (which do not import aws). */
export { CAMPAIGN_EXCEPTION_NAMES, type CampaignExceptionName } from '../aws/exceptions';

const STATES: ReadonlySet<string> = new Set(Object.values(CampaignState));

interface AwsErrorShape {
  name?: unknown;
  message?: unknown;
  state?: unknown;
  $metadata?: { requestId?: unknown };
}

/** AWS's request id of a failed SDK call, when AWS answered. */
export function awsRequestIdOf(err: unknown): string | null {
  const id = (err as AwsErrorShape | null)?.$metadata?.requestId;
  return typeof id === 'string' && id.length > 0 ? id : null;
}

/**
 * Maps an SDK error to the documented failure it stands for, by `err.name` (the SDK sets it from
 * the wire's error type, also for exceptions it has no class for). Returns null for anything AWS
 * did not document for the campaign operations: the caller treats those as unexpected.
 */
export function toCampaignFailure(err: unknown): CampaignFailure | null {
  if (typeof err !== 'object' || err === null) return null;
  const { name, message, state } = err as AwsErrorShape;
  if (!isCampaignException(name)) return null;
  const kind = name;
  const base = {
    message: typeof message === 'string' && message.length > 0 ? message : kind,
    retryable: isRetryable(kind),
    requestId: awsRequestIdOf(err),
  };
  switch (kind) {
    case 'InvalidCampaignStateException':
      // `state` is required by the model; a reply without a known one is not the documented shape.
      if (typeof state !== 'string' || !STATES.has(state)) return null;
      return { ...base, kind, state: state as CampaignState };
    case 'ValidationException':
      return { ...base, kind, field: null };
    default:
      return { ...base, kind };
  }
}
