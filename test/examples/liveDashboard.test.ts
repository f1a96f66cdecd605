import WebSocket from 'ws';
import type { ApolloClient } from '@apollo/client';
import { createLiveClient, watchCampaigns, type CampaignRow } from '../../examples/apollo-client/liveDashboard';
import { runAction } from '../../examples/apollo-client/campaignControl';
import { startHarness, type Harness } from '../helpers/gatewayHarness';

// The kit's live dashboard (examples/apollo-client/liveDashboard.ts) with a real Apollo Client:
// subscriptions over graphql-ws through the split link, the action over HTTP.

let h: Harness;
let client: ApolloClient;
beforeAll(async () => {
  h = await startHarness({ maxAttempts: 1 });
  client = createLiveClient({ httpUri: h.url, wsUri: h.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket });
});
afterAll(async () => {
  client?.stop();
  await h?.close();
});

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`no ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('shows each campaign as it is, then the start the same client made through its HTTP link', async () => {
  let board: ReadonlyMap<string, CampaignRow> = new Map();
  const stop = watchCampaigns(client, ['demo-spring-renewals', 'demo-running-survey'], (next) => (board = next));
  try {
    await until(() => board.size === 2, 'first states');
    expect(board.get('demo-spring-renewals')).toEqual({ id: 'demo-spring-renewals', state: 'INITIALIZED', asOf: expect.any(Date) });
    expect(board.get('demo-running-survey')?.state).toBe('RUNNING');
    const feedback = await runAction(client, 'START', 'demo-spring-renewals');
    expect(feedback.tone).toBe('success');
    await until(() => board.get('demo-spring-renewals')?.state === 'RUNNING', 'the start');
  } finally {
    stop();
  }
});
