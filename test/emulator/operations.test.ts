import {
  DescribeCampaignCommand,
  GetCampaignStateBatchCommand,
  GetCampaignStateCommand,
  InvalidCampaignStateException,
  ListCampaignsCommand,
  paginateListCampaigns,
  PauseCampaignCommand,
  ResourceNotFoundException,
  ResumeCampaignCommand,
  StartCampaignCommand,
  StopCampaignCommand,
  ValidationException,
  type CampaignSummary,
} from '@aws-sdk/client-connectcampaignsv2';
import { CAMPAIGN_STATES, createEmulator, DEMO_INSTANCE_ID, DEMO_SECOND_INSTANCE_ID, type CampaignStateWire } from '../../src/emulator';
import { caught, raw, sdkClient, useEmulatorWithClient } from './helpers';

describe('emulator operations through the real SDK', () => {
  const fx = useEmulatorWithClient();

  describe('state machine', () => {
    it('walks start -> pause -> resume -> stop', async () => {
      const id = 'demo-spring-renewals';
      const state = async () => (await fx.client.send(new GetCampaignStateCommand({ id }))).state;
      expect(await state()).toBe('Initialized');
      const started = await fx.client.send(new StartCampaignCommand({ id }));
      expect(started.$metadata.httpStatusCode).toBe(200);
      expect(await state()).toBe('Running');
      await fx.client.send(new PauseCampaignCommand({ id }));
      expect(await state()).toBe('Paused');
      await fx.client.send(new ResumeCampaignCommand({ id }));
      expect(await state()).toBe('Running');
      await fx.client.send(new StopCampaignCommand({ id }));
      expect(await state()).toBe('Stopped');
    });

    it.each([
      { op: 'PauseCampaign', command: () => new PauseCampaignCommand({ id: 'demo-spring-renewals' }), state: 'Initialized' },
      { op: 'ResumeCampaign', command: () => new ResumeCampaignCommand({ id: 'demo-running-survey' }), state: 'Running' },
      { op: 'StartCampaign', command: () => new StartCampaignCommand({ id: 'demo-paused-winback' }), state: 'Paused' },
      { op: 'StopCampaign', command: () => new StopCampaignCommand({ id: 'demo-stopped-promo' }), state: 'Stopped' },
      { op: 'StartCampaign', command: () => new StartCampaignCommand({ id: 'demo-completed-onboarding' }), state: 'Completed' },
    ] as const)('$op refuses a campaign in state $state', async ({ command, state }) => {
      const error = await caught(() => fx.client.send(command()));
      expect(error).toBeInstanceOf(InvalidCampaignStateException);
      expect((error as InvalidCampaignStateException).state).toBe(state);
    });

    // AWS's state machine as the API documents it (docs/api.md), written out rather than read from the table it checks.
    const COMMANDS = {
      start: (id: string) => new StartCampaignCommand({ id }),
      pause: (id: string) => new PauseCampaignCommand({ id }),
      resume: (id: string) => new ResumeCampaignCommand({ id }),
      stop: (id: string) => new StopCampaignCommand({ id }),
    } as const;
    const AFTER: Record<CampaignStateWire, Partial<Record<keyof typeof COMMANDS, CampaignStateWire>>> = {
      Initialized: { start: 'Running' },
      Running: { pause: 'Paused', stop: 'Stopped' },
      Paused: { resume: 'Running', stop: 'Stopped' },
      Stopped: {},
      Failed: {},
      Completed: {},
    };
    const MATRIX = CAMPAIGN_STATES.flatMap((from) =>
      (Object.keys(COMMANDS) as Array<keyof typeof COMMANDS>).map((action) => ({ action, from, to: AFTER[from][action] })),
    );

    it.each(MATRIX)('$action from $from: $to', async ({ action, from, to }) => {
      fx.emulator.store.put({ id: 'matrix-campaign', state: from });
      // The SDK's commands differ in type only; each takes { id } and answers an empty 200.
      const send = () => fx.client.send(COMMANDS[action]('matrix-campaign') as StartCampaignCommand);
      if (to !== undefined) {
        await expect(send()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
        expect(fx.emulator.store.get('matrix-campaign')?.state).toBe(to);
      } else {
        const error = await caught(send);
        expect(error).toBeInstanceOf(InvalidCampaignStateException);
        expect((error as InvalidCampaignStateException).state).toBe(from);
        expect(fx.emulator.store.get('matrix-campaign')?.state).toBe(from);
      }
    });

    it('state changes made through the store are visible over the wire', async () => {
      fx.emulator.store.put({ id: 'demo-spring-renewals', state: 'Failed' });
      const out = await fx.client.send(new GetCampaignStateCommand({ id: 'demo-spring-renewals' }));
      expect(out.state).toBe('Failed');
    });
  });

  describe('percent-encoded ids', () => {
    it('decodes labels such as arn:aws:x/y', async () => {
      const id = 'arn:aws:x/y';
      fx.emulator.store.put({ id, name: 'ARN-shaped id' });
      await fx.client.send(new StartCampaignCommand({ id }));
      expect((await fx.client.send(new GetCampaignStateCommand({ id }))).state).toBe('Running');
      const described = await fx.client.send(new DescribeCampaignCommand({ id }));
      expect(described.campaign?.id).toBe(id);
      expect(described.campaign?.name).toBe('ARN-shaped id');
      expect(fx.emulator.calls.map((c) => c.campaignIds)).toEqual([[id], [id], [id]]);
    });
  });

  describe('GetCampaignStateBatch', () => {
    it('mixes successes and failures, preserving order', async () => {
      const out = await fx.client.send(
        new GetCampaignStateBatchCommand({
          campaignIds: ['demo-running-survey', 'missing-1', 'demo-paused-winback', 'missing-2', 'demo-spring-renewals'],
        }),
      );
      expect(out.successfulRequests).toEqual([
        { campaignId: 'demo-running-survey', state: 'Running' },
        { campaignId: 'demo-paused-winback', state: 'Paused' },
        { campaignId: 'demo-spring-renewals', state: 'Initialized' },
      ]);
      expect(out.failedRequests).toEqual([
        { campaignId: 'missing-1', failureCode: 'ResourceNotFound' },
        { campaignId: 'missing-2', failureCode: 'ResourceNotFound' },
      ]);
      expect(fx.emulator.calls[0]).toMatchObject({
        operation: 'GetCampaignStateBatch',
        campaignIds: ['demo-running-survey', 'missing-1', 'demo-paused-winback', 'missing-2', 'demo-spring-renewals'],
      });
    });

    it('accepts 25 ids and refuses 26 or none', async () => {
      const ids = (n: number) => Array.from({ length: n }, (_, i) => `outreach-${String(i + 1).padStart(3, '0')}`);
      const ok = await fx.client.send(new GetCampaignStateBatchCommand({ campaignIds: ids(25) }));
      expect(ok.successfulRequests).toHaveLength(25);
      expect(await caught(() => fx.client.send(new GetCampaignStateBatchCommand({ campaignIds: ids(26) })))).toBeInstanceOf(
        ValidationException,
      );
      expect(await caught(() => fx.client.send(new GetCampaignStateBatchCommand({ campaignIds: [] })))).toBeInstanceOf(
        ValidationException,
      );
    });

    it('refuses an id that breaks the pattern', async () => {
      const error = await caught(() => fx.client.send(new GetCampaignStateBatchCommand({ campaignIds: ['ok-id', 'bad id!'] })));
      expect(error).toBeInstanceOf(ValidationException);
    });
  });

  describe('DescribeCampaign', () => {
    it('returns the seeded fields in SDK types', async () => {
      const { campaign } = await fx.client.send(new DescribeCampaignCommand({ id: 'demo-spring-renewals' }));
      expect(campaign).toMatchObject({
        id: 'demo-spring-renewals',
        arn: 'arn:aws:connect-campaigns:us-east-1:123456789012:campaign/demo-spring-renewals',
        name: 'Spring Renewals',
        connectInstanceId: DEMO_INSTANCE_ID,
        channelSubtypeConfig: { telephony: { outboundMode: { progressive: { bandwidthAllocation: 1 } } } },
        source: { customerProfilesSegmentArn: expect.stringMatching(/^arn:aws:profile:/) },
        connectCampaignFlowArn: expect.stringMatching(/^arn:aws:connect:/),
        tags: { env: 'demo', owner: 'emulator' },
      });
      // date-time timestamps become Date objects in the SDK.
      expect(campaign?.schedule?.startTime).toEqual(new Date('2025-03-01T08:00:00Z'));
      expect(campaign?.schedule?.endTime).toBeInstanceOf(Date);
      expect(campaign?.communicationTimeConfig?.localTimeZoneConfig?.defaultTimeZone).toBe('America/New_York');
      expect(campaign).not.toHaveProperty('state');
    });

    it('gives ResourceNotFoundException after a store delete', async () => {
      expect(fx.emulator.store.delete('demo-spring-renewals')).toBe(true);
      const error = await caught(() => fx.client.send(new DescribeCampaignCommand({ id: 'demo-spring-renewals' })));
      expect(error).toBeInstanceOf(ResourceNotFoundException);
    });
  });

  describe('ListCampaigns', () => {
    it('lists the named demo campaigns (an idle, a running and a paused one among them) before the bulk rows', async () => {
      const out = await fx.client.send(new ListCampaignsCommand({ maxResults: 20 }));
      const names = (out.campaignSummaryList ?? []).map((c) => c.name ?? '');
      const firstBulk = names.findIndex((name) => name.startsWith('Bulk Outreach'));
      expect(firstBulk).toBe(8);
      const states = (out.campaignSummaryList ?? []).slice(0, firstBulk).map((c) => fx.emulator.store.get(c.id ?? '')?.state);
      expect(states).toEqual(expect.arrayContaining(['Initialized', 'Running', 'Paused']));
    });

    async function listAll(pageSize?: number, instanceId?: string): Promise<{ items: CampaignSummary[]; pages: number }> {
      const items: CampaignSummary[] = [];
      let pages = 0;
      const filters = instanceId ? { instanceIdFilter: { value: instanceId, operator: 'Eq' as const } } : undefined;
      for await (const page of paginateListCampaigns({ client: fx.client, ...(pageSize ? { pageSize } : {}) }, { filters })) {
        pages++;
        items.push(...(page.campaignSummaryList ?? []));
      }
      return { items, pages };
    }

    it('pages through every campaign exactly once', async () => {
      const total = fx.emulator.store.size;
      expect(total).toBeGreaterThan(50);
      const { items, pages } = await listAll(7);
      expect(pages).toBe(Math.ceil(total / 7));
      const ids = items.map((c) => c.id);
      expect(new Set(ids).size).toBe(total);
      expect(ids).toEqual(fx.emulator.store.list().map((c) => c.id));
    });

    it('defaults to pages of 50', async () => {
      const first = await fx.client.send(new ListCampaignsCommand({}));
      expect(first.campaignSummaryList).toHaveLength(50);
      expect(typeof first.nextToken).toBe('string');
      const second = await fx.client.send(new ListCampaignsCommand({ nextToken: first.nextToken }));
      expect(second.campaignSummaryList).toHaveLength(fx.emulator.store.size - 50);
      expect(second.nextToken).toBeUndefined();
    });

    it('filters by instance', async () => {
      const first = await listAll(50, DEMO_INSTANCE_ID);
      const second = await listAll(10, DEMO_SECOND_INSTANCE_ID);
      expect(first.items.every((c) => c.connectInstanceId === DEMO_INSTANCE_ID)).toBe(true);
      expect(second.items.every((c) => c.connectInstanceId === DEMO_SECOND_INSTANCE_ID)).toBe(true);
      expect(first.items.length).toBeGreaterThan(0);
      expect(second.items.length).toBeGreaterThan(10);
      expect(first.items.length + second.items.length).toBe(fx.emulator.store.size);
      const none = await fx.client.send(
        new ListCampaignsCommand({ filters: { instanceIdFilter: { value: 'other-instance', operator: 'Eq' } } }),
      );
      expect(none.campaignSummaryList).toEqual([]);
      expect(none.nextToken).toBeUndefined();
    });

    it('returns CampaignSummary fields', async () => {
      const out = await fx.client.send(new ListCampaignsCommand({ maxResults: 1 }));
      const summary = out.campaignSummaryList?.[0];
      expect(summary).toMatchObject({
        id: 'demo-appointment-reminders',
        arn: 'arn:aws:connect-campaigns:us-east-1:123456789012:campaign/demo-appointment-reminders',
        name: 'Appointment Reminders',
        connectInstanceId: DEMO_INSTANCE_ID,
        channelSubtypes: ['TELEPHONY'],
      });
      expect(summary?.schedule?.startTime).toBeInstanceOf(Date);
    });

    it('keeps paging correct when campaigns are added between pages', async () => {
      const first = await fx.client.send(new ListCampaignsCommand({ maxResults: 5 }));
      const firstIds = (first.campaignSummaryList ?? []).map((c) => c.id ?? '');
      fx.emulator.store.put({ id: 'aaa-added-before-cursor' });
      fx.emulator.store.put({ id: 'zzz-added-after-cursor' });
      const rest: string[] = [];
      let token = first.nextToken;
      while (token) {
        const page = await fx.client.send(new ListCampaignsCommand({ maxResults: 50, nextToken: token }));
        rest.push(...(page.campaignSummaryList ?? []).map((c) => c.id ?? ''));
        token = page.nextToken;
      }
      expect(rest).not.toContain('aaa-added-before-cursor');
      expect(rest).toContain('zzz-added-after-cursor');
      expect(new Set([...firstIds, ...rest]).size).toBe(firstIds.length + rest.length);
    });

    it('validates maxResults, nextToken and the filter operator', async () => {
      for (const maxResults of [0, 51]) {
        expect(await caught(() => fx.client.send(new ListCampaignsCommand({ maxResults })))).toBeInstanceOf(ValidationException);
      }
      expect(await caught(() => fx.client.send(new ListCampaignsCommand({ nextToken: 'garbage' })))).toBeInstanceOf(
        ValidationException,
      );
      const res = await raw(
        fx.emulator.url,
        'POST',
        '/v2/campaigns-summary',
        JSON.stringify({ filters: { instanceIdFilter: { value: DEMO_INSTANCE_ID, operator: 'Ne' } } }),
      );
      expect(res.status).toBe(400);
    });
  });

  describe('store and call log', () => {
    it('records calls in order with their campaign ids', async () => {
      await fx.client.send(new StartCampaignCommand({ id: 'demo-spring-renewals' }));
      await caught(() => fx.client.send(new StartCampaignCommand({ id: 'missing' })));
      await fx.client.send(new ListCampaignsCommand({}));
      expect(fx.emulator.calls.map((c) => [c.operation, c.campaignIds])).toEqual([
        ['StartCampaign', ['demo-spring-renewals']],
        ['StartCampaign', ['missing']],
        ['ListCampaigns', []],
      ]);
      expect(fx.emulator.callCount('StartCampaign')).toBe(2);
      expect(fx.emulator.callCount()).toBe(3);
      expect(fx.emulator.calls[0]?.at).toBeLessThanOrEqual(Date.now());
      fx.emulator.resetCalls();
      expect(fx.emulator.calls).toHaveLength(0);
      expect(fx.emulator.callCount()).toBe(0);
    });

    it('puts a campaign in a state AWS may add later (store or control API), answers it as AWS would, and lets no action leave it', async () => {
      fx.emulator.store.put({ id: 'later-state', state: 'Archived' });
      expect((await fx.client.send(new GetCampaignStateCommand({ id: 'later-state' }))).state).toBe('Archived');
      const batch = await fx.client.send(new GetCampaignStateBatchCommand({ campaignIds: ['later-state'] }));
      expect(batch.successfulRequests).toEqual([{ campaignId: 'later-state', state: 'Archived' }]);
      const error = await caught(() => fx.client.send(new StartCampaignCommand({ id: 'later-state' })));
      expect(error).toBeInstanceOf(InvalidCampaignStateException);
      expect((error as InvalidCampaignStateException).state).toBe('Archived');
      const control = await fetch(`${fx.emulator.url}/__emulator/campaigns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'later-state-2', state: 'Suspended' }),
      });
      expect(control.status).toBe(200);
      // Not a state AWS could name: refused.
      expect(() => fx.emulator.store.put({ id: 'x', state: 'archived; drop' as never })).toThrow(TypeError);
    });

    it('fills defaults for new campaigns and copies on read', async () => {
      const created = fx.emulator.store.put({ id: 'new-campaign' });
      expect(created).toMatchObject({
        id: 'new-campaign',
        arn: 'arn:aws:connect-campaigns:us-east-1:123456789012:campaign/new-campaign',
        state: 'Initialized',
      });
      const copy = fx.emulator.store.get('new-campaign');
      if (!copy) throw new Error('missing');
      copy.state = 'Running';
      expect(fx.emulator.store.get('new-campaign')?.state).toBe('Initialized');
      expect(() => fx.emulator.store.put({ id: 'bad id' })).toThrow(TypeError);
    });

    it('reset restores the seed', async () => {
      const size = fx.emulator.store.size;
      await fx.client.send(new StartCampaignCommand({ id: 'demo-spring-renewals' }));
      fx.emulator.store.delete('demo-running-survey');
      fx.emulator.store.reset();
      expect(fx.emulator.store.size).toBe(size);
      expect(fx.emulator.store.get('demo-spring-renewals')?.state).toBe('Initialized');
      expect(fx.emulator.store.get('demo-running-survey')?.state).toBe('Running');
    });

    it('seeds startable, running and paused demo campaigns', () => {
      const byId = new Map(fx.emulator.store.list().map((c) => [c.id, c]));
      for (const id of ['demo-spring-renewals', 'demo-appointment-reminders', 'demo-payment-followup']) {
        expect(byId.get(id)?.state).toBe('Initialized');
      }
      expect(byId.get('demo-running-survey')?.state).toBe('Running');
      expect(byId.get('demo-paused-winback')?.state).toBe('Paused');
      expect(byId.size).toBeGreaterThanOrEqual(55);
    });
  });
});

describe('emulator call log cap', () => {
  it('keeps the most recent calls and exact counts', async () => {
    const emulator = createEmulator({ maxRecordedCalls: 8 });
    const client = sdkClient(await emulator.start(), 1);
    try {
      for (let i = 1; i <= 20; i++) {
        await client.send(new GetCampaignStateCommand({ id: `outreach-${String(i).padStart(3, '0')}` }));
      }
      expect(emulator.callCount('GetCampaignState')).toBe(20);
      expect(emulator.calls.length).toBeLessThanOrEqual(8);
      expect(emulator.calls[emulator.calls.length - 1]?.campaignIds).toEqual(['outreach-020']);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});

describe('emulator without seed', () => {
  it('starts empty and resets to empty', async () => {
    const emulator = createEmulator({ seed: false, accountId: '999999999999', region: 'eu-west-2' });
    const client = sdkClient(await emulator.start(), 1);
    try {
      expect((await client.send(new ListCampaignsCommand({}))).campaignSummaryList).toEqual([]);
      const put = emulator.store.put({ id: 'only-one' });
      expect(put.arn).toBe('arn:aws:connect-campaigns:eu-west-2:999999999999:campaign/only-one');
      expect(emulator.store.size).toBe(1);
      emulator.store.reset();
      expect(emulator.store.size).toBe(0);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});
