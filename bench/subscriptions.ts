/**
 * Live campaign states: AWS calls/s and push lag against subscribers (1 to 1,000) and replicas
 * (1 to 3, sharing a redis-server), and memory per 1,000 idle subscribers. Every subscriber is a
 * graphql-ws client (its own WebSocket) watching the same 50 campaigns.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startRedis, type EmulatorProcess } from './processes';
import { poolId } from './protocol';
import { startGateway } from './viewers';
import { percentile } from './stats';

export interface SubscriptionRow {
  replicas: number;
  subscribers: number;
  /** GetCampaignStateBatch calls per second at the emulator (all replicas together). */
  awsCallsPerS: number;
  /** From a gateway action being sent to its event at each subscriber: p50 and p99, ms. */
  actionLagMs: { p50: number; p99: number };
  /** From a change made at the emulator to its event at each subscriber: p50 and p99, ms (a poll round bounds it). */
  outsideLagMs: { p50: number; p99: number };
  /** The gateways' own push-lag histogram: mean, ms. */
  serverPushLagMeanMs: number;
}

export interface SubscriptionsResult {
  campaigns: number;
  windowS: number;
  rows: SubscriptionRow[];
  /** RSS and heap growth of one replica for 1,000 idle subscribers of 50 campaigns each. */
  memoryPer1000: { rssMb: number; heapMb: number };
}

const PREFIX = 'live';
const CAMPAIGNS = 50;
const ids = Array.from({ length: CAMPAIGNS }, (_, i) => poolId(PREFIX, i));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const QUERY = 'subscription($ids: [ID!]!) { campaignStateChanged(ids: $ids) { campaign { id } state } }';

interface Watcher {
  client: Client;
  latest: Map<string, string>;
  /** When each (campaign, state) was first seen. */
  seen: Map<string, number>;
}

function watch(url: string): Watcher {
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  const watcher: Watcher = { client, latest: new Map(), seen: new Map() };
  client.subscribe(
    { query: QUERY, variables: { ids } },
    {
      next: ({ data }) => {
        const change = (data as { campaignStateChanged?: { campaign: { id: string }; state: string } } | null)?.campaignStateChanged;
        if (!change) return;
        watcher.latest.set(change.campaign.id, change.state);
        const key = `${change.campaign.id}:${change.state}`;
        if (!watcher.seen.has(key)) watcher.seen.set(key, performance.now());
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return watcher;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`subscriptions bench: no ${what} within ${timeoutMs} ms`);
    await sleep(25);
  }
}

async function metrics(url: string): Promise<string> {
  return (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
}
const metric = (text: string, name: string): number => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2] ?? NaN);

async function runConfig(emulator: EmulatorProcess, replicas: number, subscribers: number, windowS: number, log: (line: string) => void): Promise<SubscriptionRow> {
  await emulator.pool(PREFIX, CAMPAIGNS, 'Running');
  const redis = replicas > 1 ? await startRedis() : undefined;
  const gateways = await Promise.all(Array.from({ length: replicas }, () => startGateway(emulator, redis ? { REDIS_URL: redis.url } : {})));
  const watchers: Watcher[] = [];
  try {
    for (let i = 0; i < subscribers; i++) {
      watchers.push(watch((gateways[i % replicas] as { url: string }).url));
      if (i % 100 === 99) await sleep(100);
    }
    await until(() => watchers.every((w) => w.latest.size === CAMPAIGNS), 120_000, 'first states');
    await fetch(`${emulator.url}/__emulator/calls`, { method: 'DELETE' });
    const started = performance.now();
    const actionLags: number[] = [];
    const outsideLags: number[] = [];
    for (let second = 0; second < windowS; second++) {
      const tick = performance.now();
      const id = ids[second % CAMPAIGNS] as string;
      if (second % 2 === 0) {
        // The gateway's own action, through the first replica.
        const sent = performance.now();
        const res = await fetch((gateways[0] as { url: string }).url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `mutation { pauseCampaign(id: "${id}") { __typename } }` }),
        });
        await res.text();
        await until(() => watchers.every((w) => w.seen.has(`${id}:PAUSED`)), 10_000, 'the pause');
        for (const w of watchers) actionLags.push((w.seen.get(`${id}:PAUSED`) as number) - sent);
      } else {
        const changed = performance.now();
        await fetch(`${emulator.url}/__emulator/campaigns`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, state: 'Paused' }) });
        await until(() => watchers.every((w) => w.seen.has(`${id}:PAUSED`)), 15_000, 'the outside change');
        for (const w of watchers) outsideLags.push((w.seen.get(`${id}:PAUSED`) as number) - changed);
      }
      await sleep(Math.max(0, 1000 - (performance.now() - tick)));
    }
    const elapsedS = (performance.now() - started) / 1000;
    const counts = ((await (await fetch(`${emulator.url}/__emulator/calls`)).json()) as { counts: Record<string, number> }).counts;
    let lagSum = 0;
    let lagCount = 0;
    for (const g of gateways) {
      const text = await metrics(g.url);
      lagSum += metric(text, 'campaign_gateway_live_push_lag_seconds_sum');
      lagCount += metric(text, 'campaign_gateway_live_push_lag_seconds_count');
    }
    const row: SubscriptionRow = {
      replicas,
      subscribers,
      awsCallsPerS: (counts['GetCampaignStateBatch'] ?? 0) / elapsedS,
      actionLagMs: { p50: percentile(actionLags.sort((a, b) => a - b), 50), p99: percentile(actionLags, 99) },
      outsideLagMs: { p50: percentile(outsideLags.sort((a, b) => a - b), 50), p99: percentile(outsideLags, 99) },
      serverPushLagMeanMs: (lagSum / lagCount) * 1000,
    };
    log(
      `subscriptions: ${replicas} replica(s), ${subscribers} subscriber(s): ${row.awsCallsPerS.toFixed(2)} AWS calls/s; action sent → subscriber p50 ${row.actionLagMs.p50.toFixed(0)} ms, p99 ${row.actionLagMs.p99.toFixed(0)} ms; ` +
        `outside change → subscriber p50 ${row.outsideLagMs.p50.toFixed(0)} ms, p99 ${row.outsideLagMs.p99.toFixed(0)} ms; server push lag mean ${row.serverPushLagMeanMs.toFixed(1)} ms`,
    );
    return row;
  } finally {
    for (const w of watchers) void w.client.dispose();
    await Promise.all(gateways.map((g) => g.stop()));
    await redis?.stop();
  }
}

async function memoryPer1000(emulator: EmulatorProcess, log: (line: string) => void): Promise<SubscriptionsResult['memoryPer1000']> {
  await emulator.pool(PREFIX, CAMPAIGNS, 'Running');
  const gateway = await startGateway(emulator, {});
  const watchers: Watcher[] = [];
  try {
    watchers.push(watch(gateway.url));
    await until(() => watchers.every((w) => w.latest.size === CAMPAIGNS), 30_000, 'first states');
    await sleep(1000);
    const before = await metrics(gateway.url);
    for (let i = 0; i < 1000; i++) {
      watchers.push(watch(gateway.url));
      if (i % 100 === 99) await sleep(100);
    }
    await until(() => watchers.every((w) => w.latest.size === CAMPAIGNS), 120_000, 'first states');
    await sleep(3000);
    const after = await metrics(gateway.url);
    const mb = (name: string) => (metric(after, name) - metric(before, name)) / 2 ** 20;
    const result = { rssMb: mb('process_resident_memory_bytes'), heapMb: mb('nodejs_heap_size_used_bytes') };
    log(`subscriptions: 1,000 idle subscribers (50 campaigns each) cost one replica ${result.rssMb.toFixed(1)} MB RSS, ${result.heapMb.toFixed(1)} MB heap`);
    return result;
  } finally {
    for (const w of watchers) void w.client.dispose();
    await gateway.stop();
  }
}

export async function measureSubscriptions(
  emulator: EmulatorProcess,
  options: { windowS: number; subscribers: readonly number[]; replicas: readonly number[] },
  log: (line: string) => void,
): Promise<SubscriptionsResult> {
  const rows: SubscriptionRow[] = [];
  for (const replicas of options.replicas) {
    for (const subscribers of options.subscribers) rows.push(await runConfig(emulator, replicas, subscribers, options.windowS, log));
  }
  return { campaigns: CAMPAIGNS, windowS: options.windowS, rows, memoryPer1000: await memoryPer1000(emulator, log) };
}
