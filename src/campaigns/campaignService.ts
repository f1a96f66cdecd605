import {
  DescribeCampaignCommand,
  GetCampaignStateBatchCommand,
  ListCampaignsCommand,
  type StartCampaignCommand,
} from '@aws-sdk/client-connectcampaignsv2';
import { AwsCallFailure } from '../aws/callFailure';
import type { CampaignsApi } from '../aws/campaignsClient';
import { AwsQuotaUnavailableError } from '../aws/quota';
import type { StateBatchAsOf, StateRowAsOf } from '../aws/sharedReads';
/** The AWS boundary's API of one request, for the layers above (which do not import aws). */
export type { RequestCampaignsApi } from '../aws/campaignsClient';
import { CAMPAIGN_ACTIONS, type CampaignActionName } from './campaignActions';
import { campaignIdProblem } from './campaignId';
import { toCampaignFailure } from './awsErrors';
import { toCampaignDetails, toCampaignSummary } from './campaignMapping';
import { CampaignReadError, UpstreamError, toUpstreamError } from './upstreamError';
import { isKnownCampaignState, UnknownAwsValue } from './types';
import type { CampaignActionResult, CampaignDetails, CampaignFailure, CampaignPage, CampaignStateAsOf, CampaignSummary, ListPosition } from './types';

/** GetCampaignStateBatch takes at most this many ids a call. */
export const STATE_BATCH_LIMIT = 25;
/**
 * ListCampaigns is always asked for this many (AWS's maximum), so that an AWS page, and so a
 * position in it, means the same campaigns from one request to the next.
 */
export const LIST_PAGE_SIZE = 50;
/** Most campaigns one `list` call returns. */
export const LIST_MAX_FIRST = 100;
/**
 * Most ListCampaigns calls one `list` makes: enough for 100 campaigns starting mid-page, plus one
 * short page. Should AWS answer sparser pages, the page comes back shorter, with hasNextPage true.
 */
const LIST_MAX_CALLS = 4;

export interface ListOptions {
  first: number;
  /** Where to start; null for the beginning. */
  after: ListPosition | null;
  /** Only campaigns of this Amazon Connect instance. */
  connectInstanceId: string | null;
}

/**
 * What one id of a state batch came back as: its state (a known one, or one this gateway does not
 * know) with when AWS reported it, null when AWS does not know the campaign, or an error.
 */
export type StateLookup = CampaignStateAsOf | null | Error;

/** A lifecycle action AWS accepted: the campaign is now in `CAMPAIGN_ACTIONS[action].to`. */
export interface ActionOutcome {
  action: CampaignActionName;
  campaignId: string;
  /** When the action was sent, and when AWS's answer came (ms since the epoch). */
  sentAt: number;
  answeredAt: number;
}

export interface CampaignServiceOptions {
  /** Told of every value AWS answers that this gateway does not know (a state AWS added later, say). */
  onUnknownValue?(field: string, value: string): void;
  /** Told after AWS accepted an action (the live feed, so every subscriber sees it at once); must not throw. */
  actionSucceeded?(outcome: ActionOutcome): void;
}

/**
 * Campaign operations over one request's `CampaignsApi` (its AWS budget and deadline). Documented
 * outcomes are returned as values; anything else is thrown as UpstreamError, or as
 * AwsCallBudgetExceededError once the request has used its AWS calls. Knows nothing of GraphQL.
 */
export class CampaignService {
  constructor(
    private readonly aws: CampaignsApi,
    private readonly options: CampaignServiceOptions = {},
  ) {}

  /**
   * Runs one lifecycle action (start, pause, resume, stop: see CAMPAIGN_ACTIONS) on a campaign.
   * Every action changes AWS state, so a lost answer is OUTCOME_UNKNOWN.
   */
  async run(action: CampaignActionName, id: string): Promise<CampaignActionResult> {
    const problem = campaignIdProblem(id);
    if (problem !== null) {
      return {
        ok: false,
        failure: { kind: 'ValidationException', message: problem, retryable: false, requestId: null, field: 'id' },
      };
    }
    const { command: Command } = CAMPAIGN_ACTIONS[action];
    try {
      // The four commands share input ({ id }) and output (empty); one overload of `send` serves them all.
      const sentAt = Date.now();
      const output = await this.aws.send(new Command({ id }) as StartCampaignCommand);
      // Write-through: AWS accepted the action, so the campaign is now in the state the table says.
      const answeredAt = Date.now();
      this.aws.rememberState?.({ campaignId: id, state: CAMPAIGN_ACTIONS[action].to, asOf: answeredAt });
      this.options.actionSucceeded?.({ action, campaignId: id, sentAt, answeredAt });
      return { ok: true, campaignId: id, requestId: output.$metadata.requestId ?? null };
    } catch (err) {
      if (err instanceof AwsQuotaUnavailableError) return { ok: false, failure: quotaFailure(err) };
      if (!(err instanceof AwsCallFailure)) throw err;
      // Once an attempt may have reached AWS unanswered, only a success is believed: a retry's
      // "invalid state" or "throttled" may be answering an action that did happen.
      const failure = toCampaignFailure(err.cause);
      if (failure !== null && !err.mayHaveBeenDelivered) return { ok: false, failure };
      throw toUpstreamError(err);
    }
  }

  /**
   * States of up to 25 campaigns in one GetCampaignStateBatch call, in the order of `ids`.
   * Ids that cannot exist (they break the id constraint) are answered null without asking AWS.
   */
  async getStates(ids: readonly string[]): Promise<StateLookup[]> {
    if (ids.length > STATE_BATCH_LIMIT) {
      throw new RangeError(`getStates takes at most ${STATE_BATCH_LIMIT} ids (got ${ids.length})`);
    }
    const valid = new Set(ids.filter((id) => campaignIdProblem(id) === null));
    const found = new Map<string, StateLookup>();
    if (valid.size > 0) {
      let output;
      // A state answered by this very call was reported when it was sent; shared answers carry their own asOf.
      const sentAt = Date.now();
      try {
        output = await this.aws.send(new GetCampaignStateBatchCommand({ campaignIds: [...valid] }));
      } catch (err) {
        throw readError('GetCampaignStateBatch', err);
      }
      for (const row of output.successfulRequests ?? []) {
        if (row.campaignId === undefined || row.state === undefined) continue;
        found.set(row.campaignId, {
          state: isKnownCampaignState(row.state) ? row.state : this.unknownValue('state', row.state),
          asOf: (row as StateRowAsOf).asOf ?? sentAt,
        });
      }
      // Ids no AWS call could be had for (the quota spent) and nothing was known of: AWS_QUOTA_EXHAUSTED each.
      for (const [id, refusal] of Object.entries((output as StateBatchAsOf).unavailable ?? {})) found.set(id, refusal);
      for (const row of output.failedRequests ?? []) {
        if (row.campaignId === undefined) continue;
        found.set(
          row.campaignId,
          row.failureCode === 'ResourceNotFound'
            ? null
            : new UpstreamError(
                'GetCampaignStateBatch',
                'UPSTREAM_ERROR',
                new Error(`failureCode ${row.failureCode ?? 'missing'} for campaign ${row.campaignId}`),
              ),
        );
      }
    }
    return ids.map((id) => {
      if (!valid.has(id)) return null;
      const lookup = found.get(id);
      // null (not found) is an answer; only a missing row is a failure.
      return lookup !== undefined
        ? lookup
        : new UpstreamError('GetCampaignStateBatch', 'UPSTREAM_ERROR', new Error(`no row for campaign ${id}`));
    });
  }

  private unknownValue(field: string, value: string): UnknownAwsValue {
    this.options.onUnknownValue?.(field, value);
    return new UnknownAwsValue(field, value);
  }

  /**
   * One campaign as DescribeCampaign tells it; null when AWS does not know it (or the id cannot
   * exist). Documented failures are thrown as CampaignReadError.
   */
  async describe(id: string): Promise<CampaignDetails | null> {
    if (campaignIdProblem(id) !== null) return null;
    let output;
    try {
      output = await this.aws.send(new DescribeCampaignCommand({ id }));
    } catch (err) {
      if (err instanceof AwsCallFailure && toCampaignFailure(err.cause)?.kind === 'ResourceNotFoundException') return null;
      throw readError('DescribeCampaign', err);
    }
    const campaign = output.campaign;
    if (campaign === undefined) {
      throw new UpstreamError('DescribeCampaign', 'UPSTREAM_ERROR', new Error(`no campaign in the answer for ${id}`));
    }
    // AWS answers for the id asked; keep that id even if the body's differs in form.
    return toCampaignDetails({ ...campaign, id });
  }

  /**
   * Up to `first` campaigns from `after` on, over as many ListCampaigns calls as that takes
   * (50 campaigns a call). Each campaign comes with the position right after it.
   */
  async list({ first, after, connectInstanceId }: ListOptions): Promise<CampaignPage> {
    if (!Number.isInteger(first) || first < 1 || first > LIST_MAX_FIRST) {
      throw new RangeError(`list takes 1 to ${LIST_MAX_FIRST} campaigns (got ${first})`);
    }
    const items: CampaignPage['items'] = [];
    let token = after?.token ?? null;
    let skip = after?.offset ?? 0;
    for (let calls = 0; calls < LIST_MAX_CALLS; calls++) {
      const { rows, nextToken } = await this.listOnce(token, connectInstanceId);
      let i = skip;
      for (; i < rows.length && items.length < first; i++) {
        // After the last row of a page, the place is the start of the next page: no call wasted on resuming.
        const place: ListPosition =
          i === rows.length - 1 && nextToken !== null ? { token: nextToken, offset: 0 } : { token, offset: i + 1 };
        items.push({ campaign: rows[i] as CampaignSummary, after: place });
      }
      if (i < rows.length) return { items, hasNextPage: true, end: lastPlace(items) };
      if (nextToken === null) return { items, hasNextPage: false, end: items.length > 0 ? lastPlace(items) : null };
      token = nextToken;
      skip = 0;
      if (items.length === first) return { items, hasNextPage: true, end: lastPlace(items) };
    }
    return { items, hasNextPage: true, end: { token, offset: skip } };
  }

  private async listOnce(
    token: string | null,
    connectInstanceId: string | null,
  ): Promise<{ rows: CampaignSummary[]; nextToken: string | null }> {
    let output;
    try {
      output = await this.aws.send(
        new ListCampaignsCommand({
          maxResults: LIST_PAGE_SIZE,
          ...(token !== null ? { nextToken: token } : {}),
          ...(connectInstanceId !== null ? { filters: { instanceIdFilter: { value: connectInstanceId, operator: 'Eq' } } } : {}),
        }),
      );
    } catch (err) {
      throw readError('ListCampaigns', err);
    }
    const rows = (output.campaignSummaryList ?? []).filter((row): row is typeof row & { id: string } => typeof row.id === 'string');
    return { rows: rows.map(toCampaignSummary), nextToken: output.nextToken ? output.nextToken : null };
  }
}

/**
 * What a failed read is thrown as: its documented failure, or an undocumented upstream error. A
 * refusal of the boundary (the request's AWS budget is spent) is passed on as it is.
 */
function readError(operation: string, err: unknown): unknown {
  if (!(err instanceof AwsCallFailure)) return err;
  const failure = toCampaignFailure(err.cause);
  return failure !== null ? new CampaignReadError(operation, failure) : toUpstreamError(err);
}

function lastPlace(items: CampaignPage['items']): ListPosition {
  return (items[items.length - 1] as CampaignPage['items'][number]).after;
}

/**
 * The governor held an action back (no token before its deadline, nothing was sent): a throttling
 * answer the gateway gives itself, retryable, with no AWS request id. (A read held back is passed
 * on as it is: AWS_QUOTA_EXHAUSTED, docs/reads.md.)
 */
function quotaFailure(err: AwsQuotaUnavailableError): CampaignFailure {
  return {
    kind: 'ThrottlingException',
    message: `Not sent: the AWS call rate is spent by more urgent calls; retry in about ${err.retryAfterMs} ms`,
    retryable: true,
    requestId: null,
  };
}
