import type { ActionScope } from '../campaigns/campaignActions';
import { CAMPAIGN_ACTIONS } from '../campaigns/campaignActions';
import type { CampaignCursors } from '../campaigns/campaignCursor';
import { createCampaignLoaders } from '../campaigns/campaignLoaders';
import { CampaignService, type CampaignServiceOptions, type RequestCampaignsApi } from '../campaigns/campaignService';
import type { Principal } from '../auth/principal';
import { recordActionAttempt } from '../observability/actionAudit';
import type { Metrics } from '../observability/metrics';
import type { RequestScope } from '../observability/requestScope';
import type { LiveStateFeed } from '../live/liveStates';
import type { ContextValue } from './context';

export interface RequestContextDeps {
  /** A request's own AWS API (its call budget, and its deadline counted from its arrival): the AWS boundary's `forRequest`. */
  forRequest(scope: RequestScope): RequestCampaignsApi;
  /** Whether the drain can no longer wait for this request's work: it is refused before any AWS call. */
  shutdownRefuses(scope: RequestScope): boolean;
  serviceOptions?: CampaignServiceOptions;
  cursors: CampaignCursors;
  /** The scope each kind of action needs (AUTH_START_SCOPE, AUTH_STOP_SCOPE). */
  actionScopes: Readonly<Record<ActionScope, string>>;
  metrics: Pick<Metrics, 'startTotal' | 'actionTotal'>;
  /** The live campaign states, for the `campaignStateChanged` subscription. */
  liveStates?: LiveStateFeed;
}

/** Builds each GraphQL request's context: its AWS budget and deadline, service, loaders and audit. */
export function createRequestContext({ forRequest, shutdownRefuses, serviceOptions, cursors, actionScopes, metrics, liveStates }: RequestContextDeps) {
  /** `aws`: the request's own by default; a subscription passes a fresh one for each event. */
  return (scope: RequestScope, principal: Principal, aws: RequestCampaignsApi = forRequest(scope)): ContextValue => {
    // This request's AWS budget and deadline. Closed once the answer is sent, so that its
    // deadline timer does not keep what the calls hung on it alive after it (docs/decisions/0004-request-deadline-without-abortcontroller.md).
    // A caller that hung up first leaves work still running: the deadline must still end it.
    scope.response.once('close', () => {
      if (scope.response.writableFinished) aws.close();
    });
    const campaigns = new CampaignService(aws, serviceOptions);
    return {
      requestId: scope.requestId,
      scope,
      principal,
      actionScopes,
      campaigns,
      loaders: createCampaignLoaders(campaigns),
      cursors,
      shutdownRefuses: () => shutdownRefuses(scope),
      recordAction: (action, attempt) =>
        recordActionAttempt(scope.events, metrics, { action, event: CAMPAIGN_ACTIONS[action].auditEvent }, attempt),
      ...(liveStates ? { liveStates } : {}),
    };
  };
}
