import type { RequestScope } from '../observability/requestScope';
import type { CampaignService } from '../campaigns/campaignService';
import type { CampaignLoaders } from '../campaigns/campaignLoaders';
import type { Principal } from '../auth/principal';
import type { ActionScope, CampaignActionName } from '../campaigns/campaignActions';
import type { CampaignCursors } from '../campaigns/campaignCursor';
import type { ActionAttempt } from '../observability/actionAudit';
import type { LiveStateFeed } from '../live/liveStates';

export { hasScope, type Principal } from '../auth/principal';

/** What every resolver gets; built per request, never shared between requests. */
export interface ContextValue {
  requestId: string;
  /** The HTTP request this operation came in (for the per-request log line and metrics). */
  scope: RequestScope;
  principal: Principal;
  /** The scope a caller needs for each kind of action: AUTH_START_SCOPE and AUTH_STOP_SCOPE. */
  actionScopes: Readonly<Record<ActionScope, string>>;
  campaigns: CampaignService;
  loaders: CampaignLoaders;
  /** Signs and checks the campaign list's cursors (one key per gateway). */
  cursors: CampaignCursors;
  /**
   * True once the process is shutting down and the drain cannot wait for this request's deadline:
   * it is then refused before anything runs (see shutdownRefusal.ts).
   */
  shutdownRefuses(): boolean;
  /** Records one attempt of a lifecycle action: the audit log line and the counters. */
  recordAction(action: CampaignActionName, attempt: ActionAttempt): void;
  /** The live campaign states (`campaignStateChanged`); absent where no feed is wired. */
  liveStates?: LiveStateFeed;
  /**
   * In a subscription, which lives on past any request deadline: gives `campaigns` and `loaders`
   * a fresh AWS budget and deadline for the event about to be resolved.
   */
  startEvent?(): void;
}
