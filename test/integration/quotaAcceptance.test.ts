import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmulator, type Emulator } from '../../src/emulator';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';
import { describeBuilt, startServerProcess, type ServerProcess } from '../helpers/serverProcess';

// The quota as users meet it: gateway processes (dist/src/main.js) against one emulator that
// throttles the account at AWS's documented default (2 calls/s, burst 5), dashboards polling a
// 50-campaign page every second, and operators stopping and pausing campaigns that are dialling.
// The gateways run at their default rate (AWS_CALLS_PER_SECOND=2, AWS_CALLS_BURST=5).

const ACCOUNT = { callsPerSecond: 2, burst: 5 };
const POLL = '{ campaigns(first: 50) { edges { node { id name state } } } }';
const POLLERS = 30;
const RUN_MS = 11_000;
const ACTIONS_AT_MS = 3000;
const OUTSIDE_START_AT_MS = 6000;
/** Campaigns on the first page: three dialling (two stops and a pause), one started outside the gateway. */
const STOP_A = 'outreach-001';
const STOP_B = 'outreach-002';
const PAUSE_C = 'outreach-003';
const OUTSIDE = 'outreach-004';
const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'campaign-gateway-quota-'));

interface PollTally {
  total: number;
  full: number;
  failures: string[];
}

interface ActionOutcome {
  field: string;
  typename: string | undefined;
  ms: number;
}

interface RunReport {
  polls: PollTally;
  actions: ActionOutcome[];
  awsCalls: number;
  awsCallsPerSecond: number;
  throttled: number;
  stoppedEverywhereAtOnce: boolean[];
  outsideStartSeenMs: number[];
}

function gatewayEnv(emulator: Emulator, replicas: number, redisUrl?: string): Record<string, string> {
  return {
    HOME: EMPTY_HOME,
    CAMPAIGNS_BACKEND: 'aws',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDQUOTATEST',
    AWS_SECRET_ACCESS_KEY: 'quota-test-secret',
    AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2: emulator.url,
    // The defaults, written out: the helper gives spawned gateways a generous rate otherwise.
    AWS_CALLS_PER_SECOND: '2',
    AWS_CALLS_BURST: '5',
    // As docs/quota.md asks of every deployment: the replica count (each one's share while Redis is down).
    AWS_CALLS_REPLICAS: String(replicas),
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: 'quota-test:' } : {}),
  };
}

async function post(p: ServerProcess, query: string, timeoutMs = 10_000): Promise<{ status: number; body: { data?: Record<string, unknown>; errors?: unknown[] } }> {
  const res = await fetch(p.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] } };
}

function isFullPage(body: { data?: Record<string, unknown>; errors?: unknown[] }): boolean {
  if (body.errors?.length) return false;
  const edges = (body.data?.campaigns as { edges?: Array<{ node: { id?: string; name?: string; state?: string } }> } | undefined)?.edges;
  return Array.isArray(edges) && edges.length === 50 && edges.every(({ node }) => Boolean(node.id && node.name && node.state));
}

async function stateOn(p: ServerProcess, id: string): Promise<unknown> {
  const { body } = await post(p, `{ campaign(id: "${id}") { state } }`);
  return (body.data?.campaign as { state?: unknown } | undefined)?.state;
}

/** Polls as a dashboard does: one request a second per client (the next starts when the last has answered). */
async function poller(p: ServerProcess, until: number, tally: PollTally): Promise<void> {
  // Spread the clients over the first second.
  await new Promise((r) => setTimeout(r, Math.random() * 1000));
  while (Date.now() < until) {
    const started = Date.now();
    tally.total++;
    try {
      const { status, body } = await post(p, POLL);
      if (status === 200 && isFullPage(body)) tally.full++;
      else tally.failures.push(JSON.stringify(body).slice(0, 300));
    } catch (err) {
      tally.failures.push(String(err));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, started + 1000 - Date.now())));
  }
}

async function act(p: ServerProcess, field: string, id: string): Promise<ActionOutcome> {
  const started = performance.now();
  const { body } = await post(p, `mutation { ${field}(id: "${id}") { __typename } }`);
  const payload = body.data?.[field] as { __typename?: string } | undefined;
  return { field, typename: payload?.__typename, ms: performance.now() - started };
}

/** Runs the scenario over `replicas`; `midRun` (e.g. killing Redis) runs alongside. */
async function run(emulator: Emulator, replicas: ServerProcess[], midRun?: () => Promise<void>): Promise<RunReport> {
  emulator.store.reset();
  for (const id of [STOP_A, STOP_B, PAUSE_C]) emulator.store.put({ id, state: 'Running' });
  emulator.throttle.set(ACCOUNT);
  emulator.throttle.reset();
  emulator.resetCalls();
  const started = Date.now();
  const until = started + RUN_MS;
  const polls: PollTally = { total: 0, full: 0, failures: [] };
  const pollers = Array.from({ length: POLLERS }, (_, i) => poller(replicas[i % replicas.length] as ServerProcess, until, polls));
  const middle = midRun?.();

  await new Promise((r) => setTimeout(r, ACTIONS_AT_MS));
  const via = (i: number) => replicas[i % replicas.length] as ServerProcess;
  const actions = await Promise.all([act(via(0), 'stopCampaign', STOP_A), act(via(1), 'stopCampaign', STOP_B), act(via(2), 'pauseCampaign', PAUSE_C)]);
  // Right after the stops, on every replica.
  const stoppedEverywhereAtOnce = await Promise.all(replicas.map(async (p) => (await stateOn(p, STOP_A)) === 'STOPPED' && (await stateOn(p, STOP_B)) === 'STOPPED'));

  await new Promise((r) => setTimeout(r, Math.max(0, started + OUTSIDE_START_AT_MS - Date.now())));
  // A start made outside the gateway (another tool, the console), through the emulator's control
  // API so that it spends none of the account's rate.
  const outsideAt = Date.now();
  const startedOutside = await fetch(`${emulator.url}/__emulator/campaigns`, { method: 'POST', body: JSON.stringify({ id: OUTSIDE, state: 'Running' }) });
  expect(startedOutside.status).toBe(200);
  const outsideStartSeenMs = await Promise.all(
    replicas.map(async (p) => {
      for (;;) {
        const state = await stateOn(p, OUTSIDE).catch(() => undefined);
        if (state === 'RUNNING') return Date.now() - outsideAt;
        if (Date.now() - outsideAt > 15_000) return Number.POSITIVE_INFINITY;
        await new Promise((r) => setTimeout(r, 200));
      }
    }),
  );

  await Promise.all([...pollers, middle]);
  const seconds = (Date.now() - started) / 1000;
  const awsCalls = emulator.callCount();
  const report: RunReport = {
    polls,
    actions,
    awsCalls,
    awsCallsPerSecond: awsCalls / seconds,
    throttled: emulator.throttle.state().total,
    stoppedEverywhereAtOnce,
    outsideStartSeenMs,
  };
  // The figures the docs quote: printed for whoever runs the suite.
  process.stdout.write(
    `${JSON.stringify({
      replicas: replicas.length,
      pollsAnswered: `${polls.full}/${polls.total}`,
      awsCallsPerSecond: Number(report.awsCallsPerSecond.toFixed(2)),
      throttled: `${report.throttled}/${awsCalls}`,
      actionsMs: actions.map((a) => Math.round(a.ms)),
      stoppedEverywhereAtOnce,
      outsideStartSeenMs,
      firstFailures: polls.failures.slice(0, 2),
      redisEvents: replicas.map((p) => p.lines.filter((l) => String(l.event).startsWith('redis.')).map((l) => `${String(l.event)}:${String(l.reason)}`)),
    })}\n`,
  );
  return report;
}

/** What the governor guarantees by itself: every action succeeds within 1 s, and AWS throttles nothing. */
function expectActionsAndNoThrottling(report: RunReport): void {
  expect(report.actions.map((a) => a.typename)).toEqual(['StopCampaignSuccess', 'StopCampaignSuccess', 'PauseCampaignSuccess']);
  for (const action of report.actions) expect(action.ms).toBeLessThan(1000);
  expect(report.throttled).toBe(0);
  // The gateway spent the account's rate, not more: 2/s plus the burst over the run.
  expect(report.awsCallsPerSecond).toBeLessThanOrEqual(ACCOUNT.callsPerSecond + ACCOUNT.burst / (RUN_MS / 1000) + 0.5);
}

/** What the reads answered from what is known add: polls answered, the stop written through, an outside start seen. */
function expectReadsServed(report: RunReport): void {
  expect(report.polls.full / report.polls.total).toBeGreaterThanOrEqual(0.99);
  expect(report.stoppedEverywhereAtOnce.every(Boolean)).toBe(true);
  for (const ms of report.outsideStartSeenMs) expect(ms).toBeLessThanOrEqual(5000);
}

describeBuilt('the AWS quota under dashboards and emergency stops (account throttled at 2 calls/s, burst 5)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = createEmulator({ seed: true, throttle: ACCOUNT });
    await emulator.start(0, '127.0.0.1');
  });
  afterAll(() => emulator.stop());

  const stopAll = async (ps: ServerProcess[]) => {
    for (const p of ps) p.child.kill('SIGTERM');
    await Promise.all(ps.map((p) => p.exit));
  };

  it('three replicas sharing one Redis: every action within 1 s, nothing throttled, the page answered, STOPPED everywhere at once', async () => {
    const redis = await startRedisServer();
    const replicas = await Promise.all([0, 1, 2].map(() => startServerProcess(gatewayEnv(emulator, 3, redis.url))));
    try {
      const report = await run(emulator, replicas);
      expectActionsAndNoThrottling(report);
      expectReadsServed(report);
    } finally {
      await stopAll(replicas);
      await redis.stop();
    }
  }, 120_000);

  it('one replica, no Redis: every action within 1 s, nothing throttled, the page answered, STOPPED at once', async () => {
    const replicas = [await startServerProcess(gatewayEnv(emulator, 1))];
    try {
      const report = await run(emulator, replicas);
      expectActionsAndNoThrottling(report);
      expectReadsServed(report);
    } finally {
      await stopAll(replicas);
    }
  }, 120_000);

  it('Redis killed mid-run and restarted: actions still succeed, no poll fails, one outage line and one recovery line per replica', async () => {
    const redis: RedisServer = await startRedisServer();
    const replicas = await Promise.all([0, 1, 2].map(() => startServerProcess(gatewayEnv(emulator, 3, redis.url))));
    try {
      const report = await run(emulator, replicas, async () => {
        await new Promise((r) => setTimeout(r, 1500));
        await redis.kill();
        await new Promise((r) => setTimeout(r, 4000));
        await redis.restart();
      });
      expect(report.actions.map((a) => a.typename)).toEqual(['StopCampaignSuccess', 'StopCampaignSuccess', 'PauseCampaignSuccess']);
      expect(report.polls.failures).toEqual([]);
      // The replicas reconnect within about a second of the restart.
      await new Promise((r) => setTimeout(r, 1500));
      for (const p of replicas) {
        expect(p.lines.filter((l) => l.event === 'redis.unavailable')).toHaveLength(1);
        expect(p.lines.filter((l) => l.event === 'redis.available')).toHaveLength(1);
        const ready = await fetch(p.gatewayUrl.replace(/\/graphql$/, '/readyz'));
        expect(ready.status).toBe(200);
      }
    } finally {
      await stopAll(replicas);
      await redis.stop();
    }
  }, 120_000);
});
