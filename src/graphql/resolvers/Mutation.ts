import type { MutationResolvers } from '../../generated/graphql';
import { hasScope } from '../context';
import { missingScopePayload, toStartCampaignPayload, type StartCampaignPayload } from '../startCampaignPayload';
import { awsRequestIdOf } from '../../campaigns/awsErrors';
import { AwsCallBudgetExceededError, UpstreamError } from '../../campaigns/upstreamError';
import { AWS_CALL_BUDGET_EXCEEDED } from '../limits/awsCallBudget';

export const Mutation: MutationResolvers = {
  async startCampaign(_parent, { id }, ctx) {
    const startedAt = performance.now();
    let outcome = 'error';
    let errorCode: string | undefined = 'INTERNAL_SERVER_ERROR';
    let awsRequestId: string | null = null;
    try {
      let payload: StartCampaignPayload;
      if (!hasScope(ctx.principal, ctx.startScope)) {
        payload = missingScopePayload(ctx.startScope);
      } else {
        const result = await ctx.campaigns.start(id);
        // The success payload reads the campaign's state afresh, not a value cached before the start.
        if (result.ok) ctx.loaders.campaignState.clear(id);
        awsRequestId = result.ok ? result.requestId : result.failure.requestId;
        payload = toStartCampaignPayload(result);
      }
      outcome = payload.__typename;
      errorCode = undefined;
      return payload;
    } catch (err) {
      if (err instanceof UpstreamError) {
        awsRequestId = awsRequestIdOf(err.cause);
        errorCode = err.code;
      } else if (err instanceof AwsCallBudgetExceededError) {
        errorCode = AWS_CALL_BUDGET_EXCEEDED;
      }
      throw err;
    } finally {
      ctx.recordStart({
        campaignId: id,
        principal: ctx.principal.subject,
        outcome,
        ...(errorCode !== undefined ? { errorCode } : {}),
        awsRequestId,
        durationMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
      });
    }
  },
};
