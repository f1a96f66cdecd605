/**
 * The words the AWS boundary, the shared reads and the live feed use for the AWS quota (one rate
 * for the whole fleet, every Campaigns operation together). The governor itself lives beside this
 * file; these are only the terms its callers share.
 */

/**
 * Whom a call serves, in the order the governor serves them:
 * - `halt`: StopCampaign and PauseCampaign (they stop dialling);
 * - `dial`: StartCampaign and ResumeCampaign;
 * - `read`: a read a caller is waiting on;
 * - `refresh`: a read nobody waits on (a stale answer refreshed, a live-state poll).
 */
export type CallPriority = 'halt' | 'dial' | 'read' | 'refresh';

/** How a call asks for its token. */
export interface TokenRequest {
  priority: CallPriority;
  /** `deadline`: wait, at most until the call's deadline; `none`: fail at once when no token is free now. */
  wait: 'deadline' | 'none';
}

/** No token could be had for a call within what it could wait: nothing was sent to AWS. */
export class AwsQuotaUnavailableError extends Error {
  override readonly name = 'AwsQuotaUnavailableError';
  constructor(
    readonly operation: string,
    readonly priority: CallPriority,
    /** When a token of this priority is expected to be free, from now. */
    readonly retryAfterMs: number,
  ) {
    super(`${operation} not sent: no AWS call token free for a ${priority} call (retry in ${retryAfterMs} ms)`);
  }
}
