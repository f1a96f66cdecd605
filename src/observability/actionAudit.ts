import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** One attempt of a lifecycle action (start, pause, resume, stop), as the audit trail records it. */
export interface ActionAttempt {
  /** Null when a refused operation named it through a variable that was not a string. */
  campaignId: string | null;
  principal: string;
  /** The payload's __typename, or "error" for an undocumented failure or a refused operation. */
  outcome: string;
  /**
   * With outcome "error": the caller's `extensions.code` (e.g. OUTCOME_UNKNOWN, whose action may
   * have happened, or TOO_MANY_STARTS, refused before anything ran).
   */
  errorCode?: string;
  awsRequestId: string | null;
  durationMs: number;
}

/** Which action an attempt was of: its name (the metric label) and its audit `event`. */
export interface AuditedAction {
  action: string;
  event: string;
}

/**
 * The audit trail of lifecycle actions: one log line (`event` campaign.start, ...) and one tick of
 * campaign_gateway_action_total per attempt; starts also tick campaign_gateway_start_total.
 */
export function recordActionAttempt(
  logger: Logger,
  metrics: Pick<Metrics, 'startTotal' | 'actionTotal'>,
  { action, event }: AuditedAction,
  attempt: ActionAttempt,
): void {
  metrics.actionTotal.inc({ action, outcome: attempt.outcome });
  if (action === 'start') metrics.startTotal.inc({ outcome: attempt.outcome });
  logger.info({ event, ...attempt }, `campaign ${action} attempt`);
}
