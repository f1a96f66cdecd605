import {
  GetCampaignStateBatchCommand,
  StartCampaignCommand,
  type ConnectCampaignsV2Client,
} from '@aws-sdk/client-connectcampaignsv2';
import { attemptsOf, mayHaveBeenDelivered } from '../aws/upstreamAttempts';
import { campaignIdProblem } from './campaignId';
import { toCampaignFailure } from './awsErrors';
import { CampaignReadError, UpstreamError, toUpstreamError } from './upstreamError';
import type { CampaignState, StartCampaignResult } from './types';

/** GetCampaignStateBatch takes at most this many ids a call. */
export const STATE_BATCH_LIMIT = 25;

/** What one id of a state batch came back as: its state, null when AWS does not know it, or an error. */
export type StateLookup = CampaignState | null | Error;

/**
 * Campaign operations over the AWS SDK. Documented outcomes are returned as values; anything
 * else is thrown as UpstreamError. Knows nothing of GraphQL.
 */
export class CampaignService {
  /**
   * @param deadline aborts every AWS call still running (retries and back-off included) when it
   *   fires; one per GraphQL request (see `withDeadline`).
   */
  constructor(
    private readonly client: ConnectCampaignsV2Client,
    private readonly deadline?: AbortSignal,
  ) {}

  /** The same service, with every AWS call bounded by `deadline`. */
  withDeadline(deadline: AbortSignal): CampaignService {
    return new CampaignService(this.client, deadline);
  }

  private sendOptions() {
    return this.deadline ? { abortSignal: this.deadline } : undefined;
  }

  async start(id: string): Promise<StartCampaignResult> {
    const problem = campaignIdProblem(id);
    if (problem !== null) {
      return {
        ok: false,
        failure: { kind: 'ValidationException', message: problem, retryable: false, requestId: null, field: 'id' },
      };
    }
    try {
      const output = await this.client.send(new StartCampaignCommand({ id }), this.sendOptions());
      return { ok: true, campaignId: id, requestId: output.$metadata.requestId ?? null };
    } catch (err) {
      // Once an attempt may have reached AWS unanswered, only a success is believed: a retry's
      // "already running" or "throttled" may be answering a start that did happen.
      const failure = toCampaignFailure(err);
      if (failure !== null && !mayHaveBeenDelivered(attemptsOf(err) ?? [])) return { ok: false, failure };
      throw toUpstreamError('StartCampaign', err, true);
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
    const valid = [...new Set(ids.filter((id) => campaignIdProblem(id) === null))];
    const found = new Map<string, StateLookup>();
    if (valid.length > 0) {
      let output;
      try {
        output = await this.client.send(new GetCampaignStateBatchCommand({ campaignIds: valid }), this.sendOptions());
      } catch (err) {
        const failure = toCampaignFailure(err);
        if (failure !== null) throw new CampaignReadError('GetCampaignStateBatch', failure);
        throw toUpstreamError('GetCampaignStateBatch', err, false);
      }
      for (const row of output.successfulRequests ?? []) {
        if (row.campaignId !== undefined && row.state !== undefined) found.set(row.campaignId, row.state);
      }
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
      if (campaignIdProblem(id) !== null) return null;
      const lookup = found.get(id);
      // null (not found) is an answer; only a missing row is a failure.
      return lookup !== undefined
        ? lookup
        : new UpstreamError('GetCampaignStateBatch', 'UPSTREAM_ERROR', new Error(`no row for campaign ${id}`));
    });
  }
}
