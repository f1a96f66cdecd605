import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface StartAttempt {
  campaignId: string;
  principal: string;
  /** The payload's __typename, or "error" for an undocumented failure. */
  outcome: string;
  awsRequestId: string | null;
  durationMs: number;
}

/** The audit trail of starts: one `campaign.start` log line and one counter tick per attempt. */
export function recordStartAttempt(logger: Logger, metrics: Pick<Metrics, 'startTotal'>, attempt: StartAttempt): void {
  metrics.startTotal.inc({ outcome: attempt.outcome });
  logger.info({ event: 'campaign.start', ...attempt }, 'campaign start attempt');
}
