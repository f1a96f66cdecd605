import { HeaderMap } from '@apollo/server';
import type { CampaignLoaders } from '../../src/campaigns/campaignLoaders';
import type { CampaignService } from '../../src/campaigns/campaignService';
import { CampaignCursors } from '../../src/campaigns/campaignCursor';
import { loadConfig } from '../../src/config';
import { createApolloServer } from '../../src/graphql/apolloServer';
import type { ContextValue } from '../../src/graphql/context';
import { createLogger } from '../../src/observability/logger';
import type { ActionAttempt } from '../../src/observability/actionAudit';
import type { RequestScope } from '../../src/observability/requestScope';

const config = loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'aws', LOG_LEVEL: 'silent' });
const apollo = createApolloServer({ production: true, logger: createLogger('silent'), config });
beforeAll(() => apollo.start());
afterAll(() => apollo.stop());

/** Runs one operation through Apollo with a context whose drain refuses (or not), recording what is audited. */
async function run(query: string, refuses: boolean) {
  const audited: Array<{ action: string } & ActionAttempt> = [];
  const sent: string[] = [];
  const campaigns = {
    run: async (action: string, id: string) => {
      sent.push(`${action} ${id}`);
      return { ok: true, campaignId: id, requestId: 'aws-request-id' };
    },
  } as unknown as CampaignService;
  const logger = createLogger('silent');
  const scope = { requestId: 'r1', arrivedAt: 0, logger, events: logger, response: undefined } as unknown as RequestScope;
  const context: ContextValue = {
    requestId: scope.requestId,
    scope,
    principal: { subject: 'alice', scopes: 'all' },
    actionScopes: { start: config.startScope, stop: config.stopScope },
    campaigns,
    loaders: { campaignState: { clear: () => undefined } } as unknown as CampaignLoaders,
    cursors: new CampaignCursors(config.cursorSecret),
    shutdownRefuses: () => refuses,
    recordAction: (action, attempt) => audited.push({ action, ...attempt }),
  };
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query } },
    context: async () => context,
  });
  const body = response.body.kind === 'complete' ? (JSON.parse(response.body.string) as Record<string, unknown>) : {};
  return { status: response.status ?? 200, headers: response.headers, body, audited, sent };
}

describe('an operation the drain cannot wait for', () => {
  const START_AND_STOP = 'mutation { a: startCampaign(id: "c-1") { __typename } b: stopCampaign(id: "c-2") { __typename } }';

  it('is refused before anything runs: 503, retry-after, the connection closed, SHUTTING_DOWN, and each action audited once as refused', async () => {
    const { status, headers, body, audited, sent } = await run(START_AND_STOP, true);
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('1');
    expect(headers.get('connection')).toBe('close');
    expect(body).toEqual({ errors: [expect.objectContaining({ message: expect.stringMatching(/shutting down.*nothing was sent to AWS/), extensions: { code: 'SHUTTING_DOWN' } })] });
    expect(sent).toEqual([]);
    expect(audited).toEqual([
      expect.objectContaining({ action: 'start', campaignId: 'c-1', principal: 'alice', outcome: 'error', errorCode: 'SHUTTING_DOWN', awsRequestId: null }),
      expect.objectContaining({ action: 'stop', campaignId: 'c-2', principal: 'alice', outcome: 'error', errorCode: 'SHUTTING_DOWN', awsRequestId: null }),
    ]);
  });

  it('runs as usual while the drain can wait for it', async () => {
    const { status, audited, sent } = await run(START_AND_STOP, false);
    expect(status).toBe(200);
    expect(sent).toEqual(['start c-1', 'stop c-2']);
    expect(audited.map((a) => a.outcome)).toEqual(['StartCampaignSuccess', 'StopCampaignSuccess']);
  });
});
