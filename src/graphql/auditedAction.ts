import { awsRequestIdOf } from '../campaigns/awsErrors';
import type { CampaignActionName } from '../campaigns/campaignActions';
import { AwsCallBudgetExceededError, AwsQuotaUnavailableError, UpstreamError } from '../campaigns/upstreamError';
import { AWS_CALL_BUDGET_EXCEEDED } from './limits/awsCallBudget';
import { AWS_QUOTA_EXHAUSTED } from './errors';
import type { CampaignActionPayload } from './campaignActionPayload';
import type { ContextValue } from './context';

/** What one action attempt came to: the payload, and the AWS request id when AWS answered. */
export interface ActionOutcome {
  payload: CampaignActionPayload;
  awsRequestId: string | null;
}

/**
 * Runs one attempt of `action` and writes its audit line whatever happens: the payload's
 * __typename when it returns, "error" with the caller's `extensions.code` when it throws. Shared
 * by every action's resolver, so no resolver keeps audit bookkeeping of its own.
 */
export async function audited(
  ctx: ContextValue,
  action: CampaignActionName,
  campaignId: string,
  attempt: () => Promise<ActionOutcome>,
): Promise<CampaignActionPayload> {
  const startedAt = performance.now();
  const record = (outcome: string, awsRequestId: string | null, errorCode?: string): void =>
    ctx.recordAction(action, {
      campaignId,
      principal: ctx.principal.subject,
      outcome,
      ...(errorCode !== undefined ? { errorCode } : {}),
      awsRequestId,
      durationMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
    });
  let outcome: ActionOutcome;
  try {
    outcome = await attempt();
  } catch (err) {
    // Anything else is masked as INTERNAL_SERVER_ERROR at the edge; the audit line says the same.
    if (err instanceof UpstreamError) record('error', awsRequestIdOf(err.cause), err.code);
    else if (err instanceof AwsCallBudgetExceededError) record('error', null, AWS_CALL_BUDGET_EXCEEDED);
    else if (err instanceof AwsQuotaUnavailableError) record('error', null, AWS_QUOTA_EXHAUSTED);
    else record('error', null, 'INTERNAL_SERVER_ERROR');
    throw err;
  }
  record(outcome.payload.__typename, outcome.awsRequestId);
  return outcome.payload;
}
