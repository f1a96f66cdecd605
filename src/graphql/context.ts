import type { RequestScope } from '../observability/requestScope';
import type { CampaignService } from '../campaigns/campaignService';
import type { CampaignLoaders } from '../campaigns/campaignLoaders';
import type { StartAttempt } from '../observability/startAudit';
import type { Principal } from '../auth/principal';

export { hasScope, type Principal } from '../auth/principal';

/** What every resolver gets; built per request, never shared between requests. */
export interface ContextValue {
  requestId: string;
  /** The HTTP request this operation came in (for the per-request log line and metrics). */
  scope: RequestScope;
  principal: Principal;
  /** Scope a caller needs for startCampaign. */
  startScope: string;
  campaigns: CampaignService;
  loaders: CampaignLoaders;
  /** Records one start attempt: the audit log line and the start counter. */
  recordStart(attempt: StartAttempt): void;
}
