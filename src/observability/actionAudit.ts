import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface StartAttempt {
  /** Null when a refused operation named it through a variable that was not a string. */
  campaignId: string | null;
  principal: string;
  /** The payload's __typename, or "error" for an undocumented failure or a refused operation. */
  outcome: string;
  /**
   * With outcome "error": the caller's `extensions.code` (e.g. OUTCOME_UNKNOWN, whose start may
   * have happened, or TOO_MANY_STARTS, refused before anything ran).
   */
  errorCode?: string;
  awsRequestId: string | null;
  durationMs: number;
}

/** The audit trail of starts: one `campaign.start` log line and one counter tick per attempt. */
export function recordStartAttempt(logger: Logger, metrics: Pick<Metrics, 'startTotal'>, attempt: StartAttempt): void {
  metrics.startTotal.inc({ outcome: attempt.outcome });
  logger.info({ event: 'campaign.start', ...attempt }, 'campaign start attempt');
}
