import type { RequestScope } from '../observability/requestScope';
import type { CampaignService } from '../campaigns/campaignService';
import type { CampaignLoaders } from '../campaigns/campaignLoaders';
import type { CampaignCursors } from '../campaigns/campaignCursor';
import type { StartAttempt } from '../observability/startAudit';

/** Who is calling. `anonymous` when authentication is off. */
export interface Principal {
  subject: string;
  /** Scopes granted by the caller's token; `all` when authentication is off. */
  scopes: ReadonlySet<string> | 'all';
}

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
  /** Signs and checks the campaign list's cursors (one key per gateway). */
  cursors: CampaignCursors;
  /** Records one start attempt: the audit log line and the start counter. */
  recordStart(attempt: StartAttempt): void;
}

export function hasScope(principal: Principal, scope: string): boolean {
  return principal.scopes === 'all' || principal.scopes.has(scope);
}
