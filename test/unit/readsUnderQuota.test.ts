import { StopCampaignCommand } from '@aws-sdk/client-connectcampaignsv2';
import { GraphQLError } from 'graphql';
import type { CampaignsApi } from '../../src/aws/campaignsClient';
import { AwsQuotaUnavailableError } from '../../src/aws/quota';
import type { KnownState } from '../../src/aws/sharedReads';
import { CampaignService } from '../../src/campaigns/campaignService';
import { formatError, isUnexpected } from '../../src/graphql/errors';
import { AWS_QUOTA_EXHAUSTED } from '../../src/graphql/failureForCaller';

describe('a read refused for want of an AWS call, as callers see it', () => {
  const refusal = new AwsQuotaUnavailableError('GetCampaignStateBatch', 'read', 400);

  it('is a documented error with its code and retry hint, not a masked one', () => {
    const formatted = formatError({ message: 'x', path: ['campaign', 'state'] }, new GraphQLError('x', { originalError: refusal, path: ['campaign', 'state'] }));
    expect(formatted.extensions).toEqual({ code: AWS_QUOTA_EXHAUSTED, retryable: true, retryAfterMs: 400 });
    expect(formatted.message).toMatch(/Retry in 400 ms/);
    expect(isUnexpected(refusal)).toBe(false);
  });

  it('fails only the ids of a state batch nothing was known of, with their stateAsOf kept for the others', async () => {
    const aws: CampaignsApi = {
      send: (() =>
        Promise.resolve({
          $metadata: {},
          successfulRequests: [{ campaignId: 'known', state: 'Running', asOf: 1234 }],
          failedRequests: [],
          unavailable: { unknown: refusal },
        })) as CampaignsApi['send'],
    };
    const [known, unknown] = await new CampaignService(aws).getStates(['known', 'unknown']);
    expect(known).toEqual({ state: 'Running', asOf: 1234 });
    expect(unknown).toBe(refusal);
  });
});

describe('write-through after an action', () => {
  function api(answer: () => Promise<unknown>) {
    const remembered: KnownState[] = [];
    const sent: unknown[] = [];
    const aws: CampaignsApi = {
      send: ((command: unknown) => {
        sent.push(command);
        return answer();
      }) as CampaignsApi['send'],
      rememberState: (known) => remembered.push(known),
    };
    return { aws, remembered, sent };
  }

  it('remembers the state the action table says a successful action leads to, as of when AWS accepted it', async () => {
    const { aws, remembered, sent } = api(() => Promise.resolve({ $metadata: { requestId: 'r1' } }));
    const before = Date.now();
    await expect(new CampaignService(aws).run('stop', 'c1')).resolves.toMatchObject({ ok: true });
    expect(sent[0]).toBeInstanceOf(StopCampaignCommand);
    expect(remembered).toEqual([{ campaignId: 'c1', state: 'Stopped', asOf: expect.any(Number) }]);
    expect(remembered[0]!.asOf).toBeGreaterThanOrEqual(before);
  });

  it('remembers nothing when the action failed (held back by the governor: a throttling answer of its own)', async () => {
    const { aws, remembered } = api(() => Promise.reject(refusal()));
    await expect(new CampaignService(aws).run('pause', 'c1')).resolves.toMatchObject({
      ok: false,
      failure: { kind: 'ThrottlingException', retryable: true, requestId: null },
    });
    expect(remembered).toEqual([]);
  });

  function refusal(): AwsQuotaUnavailableError {
    return new AwsQuotaUnavailableError('PauseCampaign', 'halt', 100);
  }

});
