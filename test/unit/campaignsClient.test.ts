import { DescribeCampaignCommand, GetCampaignStateBatchCommand, StopCampaignCommand } from '@aws-sdk/client-connectcampaignsv2';
import { AwsCallFailure } from '../../src/aws/callFailure';
import { createUpstreamBreaker } from '../../src/aws/circuitBreaker';
import { CircuitState } from 'cockatiel';
import { createCampaignsClient } from '../../src/aws/campaignsClient';
import { Deadline } from '../../src/aws/deadline';
import { createGovernor } from '../../src/aws/governor';
import { AwsQuotaUnavailableError } from '../../src/aws/quota';

/** The SDK reads AWS_MAX_ATTEMPTS and AWS_RETRY_MODE itself; the gateway must not override them. */
describe('retry settings of the campaigns client', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  async function retryOf(env: Record<string, string>) {
    Object.assign(process.env, env);
    const client = createCampaignsClient({ requestTimeoutMs: 3000, connectTimeoutMs: 1000, emulatorEndpoint: 'http://127.0.0.1:1' });
    try {
      return await client.retrySettings();
    } finally {
      client.destroy();
    }
  }

  it('uses the SDK standard mode (with its retry quota) and 3 attempts by default', async () => {
    await expect(retryOf({})).resolves.toEqual({ mode: 'standard', maxAttempts: 3 });
  });

  it('honours AWS_RETRY_MODE=adaptive and AWS_MAX_ATTEMPTS', async () => {
    await expect(retryOf({ AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '5' })).resolves.toEqual({ mode: 'adaptive', maxAttempts: 5 });
  });
});

describe('a call the governor held back, and the request budget', () => {
  // One token in all, spent before the test: every read is refused at once, nothing is sent.
  function starved() {
    const governor = createGovernor({ quota: { callsPerSecond: 0.001, burst: 1, reserve: 0 } });
    expect(governor.take({ priority: 'halt', wait: 'none' }, 'StopCampaign', Deadline.in(1000))).toBeUndefined();
    const client = createCampaignsClient({
      requestTimeoutMs: 3000,
      connectTimeoutMs: 1000,
      deadlineMs: 200,
      emulatorEndpoint: 'http://127.0.0.1:1',
      governor,
      sharedReads: { maxAgeMs: 1000, staleMaxAgeMs: 600_000, maxEntries: 100 },
    });
    return client;
  }

  it('costs no call of the budget: a request with one call left still reads (stale) after a refusal', async () => {
    const client = starved();
    try {
      const writer = client.forRequest();
      const asOf = Date.now() - 60_000;
      for (const campaignId of ['a', 'b']) writer.rememberState?.({ campaignId, state: 'Running', asOf });
      writer.close();

      const request = client.forRequest({ maxCalls: 1 });
      const first = await request.send(new GetCampaignStateBatchCommand({ campaignIds: ['a'] }));
      expect(first.successfulRequests).toEqual([expect.objectContaining({ campaignId: 'a', state: 'Running', asOf })]);
      expect(request.callsMade).toBe(0);
      const second = await request.send(new GetCampaignStateBatchCommand({ campaignIds: ['b'] }));
      expect(second.successfulRequests).toEqual([expect.objectContaining({ campaignId: 'b', state: 'Running', asOf })]);
      request.close();
    } finally {
      client.destroy();
    }
  });

  it('is not counted as a call sent when a read with nothing known waited out its deadline', async () => {
    const client = starved();
    try {
      const request = client.forRequest({ maxCalls: 1, deadline: Deadline.in(20) });
      await expect(request.send(new DescribeCampaignCommand({ id: 'x' }))).rejects.toBeInstanceOf(AwsQuotaUnavailableError);
      expect(request.callsMade).toBe(0);
      request.close();
    } finally {
      client.destroy();
    }
  });
});

describe('work no request waits on (forBackground)', () => {
  it('takes refresh tokens for its reads, shared reads included, never read ones', async () => {
    const asked: string[] = [];
    const count = { inc: (labels: { priority: string; outcome: string }) => void asked.push(`${labels.priority}:${labels.outcome}`) };
    const governor = createGovernor({
      quota: { callsPerSecond: 1000, burst: 10, reserve: 1 },
      metrics: { tokens: count, tokenWait: { observe: () => undefined }, throttles: { inc: () => undefined }, fleetRate: { set: () => undefined } },
    });
    const client = createCampaignsClient({
      requestTimeoutMs: 3000,
      connectTimeoutMs: 1000,
      deadlineMs: 2000,
      maxAttempts: 1,
      emulatorEndpoint: 'http://127.0.0.1:1',
      governor,
      sharedReads: { maxAgeMs: 1000, maxEntries: 100 },
    });
    try {
      const background = client.forBackground();
      // Nothing listens on port 1: the calls fail once sent; only the tokens they took matter here.
      await background.send(new GetCampaignStateBatchCommand({ campaignIds: ['a'] })).catch(() => undefined);
      await background.send(new DescribeCampaignCommand({ id: 'a' })).catch(() => undefined);
      expect(asked).toEqual(['refresh:granted', 'refresh:granted']);
    } finally {
      client.destroy();
    }
  });
});

describe('the circuit breaker and the governor', () => {
  it('lets a stop through while the half-open trial is a read still waiting for a token', async () => {
    // Reads may take one token of two; nothing listens on port 1, so every call sent gets no answer.
    const governor = createGovernor({ quota: { callsPerSecond: 0.001, burst: 2, reserve: 1 } });
    const breaker = createUpstreamBreaker({ failures: 1, openMs: 10 });
    const client = createCampaignsClient({
      requestTimeoutMs: 3000,
      connectTimeoutMs: 1000,
      // The read waits for a token until then; a stop held behind it would settle after it.
      deadlineMs: 3000,
      maxAttempts: 1,
      emulatorEndpoint: 'http://127.0.0.1:1',
      governor,
      breaker,
    });
    const settled: string[] = [];
    const request = client.forRequest();
    try {
      // One read sent and unanswered: the circuit opens; the last token above the reserve is spent.
      await expect(request.send(new DescribeCampaignCommand({ id: 'a' }))).rejects.toBeInstanceOf(AwsCallFailure);
      await new Promise((resolve) => setTimeout(resolve, 30));
      // The next call is the trial: a read that must wait for a token (its whole deadline at this rate).
      const read = request.send(new DescribeCampaignCommand({ id: 'b' })).finally(() => settled.push('read'));
      read.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const stop = request.send(new StopCampaignCommand({ id: 'c' })).finally(() => settled.push('stop'));
      // Sent from the reserve (and unanswered here): it must not wait for the read.
      await expect(stop).rejects.toBeInstanceOf(AwsCallFailure);
      expect(settled).toEqual(['stop']);
    } finally {
      request.close();
      client.destroy();
    }
  });
});

describe('the circuit breaker and a retry the governor held back', () => {
  it('counts a call whose sent attempts got no answer as a failure, though its retry found no token', async () => {
    // Reads may take one token of two: the first attempt is sent (nothing listens on port 1), the retry waits out the deadline.
    const governor = createGovernor({ quota: { callsPerSecond: 0.001, burst: 2, reserve: 1 } });
    const breaker = createUpstreamBreaker({ failures: 1, openMs: 60_000 });
    const client = createCampaignsClient({
      requestTimeoutMs: 3000,
      connectTimeoutMs: 1000,
      deadlineMs: 300,
      maxAttempts: 2,
      retryDelayMs: 10,
      emulatorEndpoint: 'http://127.0.0.1:1',
      governor,
      breaker,
    });
    const request = client.forRequest();
    try {
      await expect(request.send(new DescribeCampaignCommand({ id: 'a' }))).rejects.toBeDefined();
      expect(breaker.state).toBe(CircuitState.Open);
    } finally {
      request.close();
      client.destroy();
    }
  });
});
