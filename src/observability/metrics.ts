import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { OperationNameLabels } from './operationNames';

export interface Metrics {
  registry: Registry;
  /** Start attempts by outcome: the payload's __typename, or "error". */
  startTotal: Counter<'outcome'>;
  /** Lifecycle action attempts (start, pause, resume, stop) by action and outcome. */
  actionTotal: Counter<'action' | 'outcome'>;
  /** Time of each AWS operation, retries included. */
  upstreamDuration: Histogram<'operation' | 'outcome'>;
  /** Reads answered stale (the AWS call rate spent), by AWS operation, and how old the answer was. */
  readStaleAge: Histogram<'operation'>;
  /** 1 while the AWS circuit breaker is open (calls fail at once), else 0. */
  upstreamCircuitOpen: Gauge;
  /** AWS call tokens by priority (halt, dial, read, refresh) and outcome (granted, refused). */
  awsTokens: Counter<'priority' | 'outcome'>;
  /** How long each granted AWS call token was waited for, by priority. */
  awsTokenWait: Histogram<'priority'>;
  /** ThrottlingException answers from AWS, by operation. */
  awsThrottles: Counter<'operation'>;
  /** AWS calls per second the fleet may make right now (the configured rate, less while backing off after throttles). */
  awsFleetRate: Gauge;
  /** 1 while Redis answers (REDIS_URL set), else 0. */
  redisAvailable: Gauge;
  /** Time of each GraphQL HTTP request, from arrival to the last byte of the answer. */
  graphqlDuration: Histogram<'operation_name' | 'operation_type' | 'outcome'>;
  /** GraphQL HTTP requests being served right now. */
  graphqlInFlight: Gauge;
  /** Values AWS answered that the gateway does not know (a state AWS added later), by field and value (capped). */
  unknownAwsValue: Counter<'field' | 'value'>;
  /** Bounds the `operation_name` label. */
  operationNames: OperationNameLabels;
  /** `campaignStateChanged` subscriptions open on this replica (WebSocket and SSE). */
  subscriptionsOpen: Gauge;
  /** Distinct campaigns this replica's subscribers watch. */
  liveCampaignsWatched: Gauge;
  /** GetCampaignStateBatch calls of the live-state poller on this replica, by outcome (its rate: polls/s). */
  livePolls: Counter<'outcome'>;
  /** 1 while this replica holds the poller's lease (polls for the fleet), else 0. */
  livePollerLeader: Gauge;
  /** Events handed to subscribers. */
  liveEventsPushed: Counter;
  /** From the answer that showed a state (a poll's or an action's) to its event handed to a subscriber. */
  livePushLag: Histogram;
}

/** Most distinct operation names that get their own series; later names share `(other)`. */
export const MAX_OPERATION_NAMES = 100;

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One registry per gateway instance, so tests can run several side by side. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    startTotal: new Counter({
      name: 'campaign_gateway_start_total',
      help: 'startCampaign attempts by outcome (the payload __typename, or "error").',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    actionTotal: new Counter({
      name: 'campaign_gateway_action_total',
      help: 'Lifecycle action attempts by action (start, pause, resume, stop) and outcome (the payload __typename, or "error").',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: 'campaign_gateway_upstream_duration_seconds',
      help: 'Duration of AWS Connect Campaigns calls, retries included, by operation and outcome.',
      labelNames: ['operation', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    readStaleAge: new Histogram({
      name: 'campaign_gateway_read_stale_age_seconds',
      help: 'Reads answered from what is known while the AWS call rate is spent, by AWS operation, and the age of the answer.',
      labelNames: ['operation'],
      buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    }),
    upstreamCircuitOpen: new Gauge({
      name: 'campaign_gateway_upstream_circuit_open',
      help: '1 while the circuit breaker in front of AWS is open (AWS calls fail at once), else 0.',
      registers: [registry],
    }),
    awsTokens: new Counter({
      name: 'campaign_gateway_aws_tokens_total',
      help: 'AWS call tokens asked of the governor, by priority (halt, dial, read, refresh) and outcome (granted, refused: the call was not sent).',
      labelNames: ['priority', 'outcome'],
      registers: [registry],
    }),
    awsTokenWait: new Histogram({
      name: 'campaign_gateway_aws_token_wait_seconds',
      help: 'How long a granted AWS call token was waited for, by priority.',
      labelNames: ['priority'],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    awsThrottles: new Counter({
      name: 'campaign_gateway_aws_throttles_total',
      help: 'ThrottlingException answers from AWS, by operation (each cuts the fleet rate for a while).',
      labelNames: ['operation'],
      registers: [registry],
    }),
    awsFleetRate: new Gauge({
      name: 'campaign_gateway_aws_fleet_rate',
      help: 'AWS calls per second all replicas together may make now (AWS_CALLS_PER_SECOND, less while backing off after throttles).',
      registers: [registry],
    }),
    redisAvailable: new Gauge({
      name: 'campaign_gateway_redis_available',
      help: '1 while Redis (REDIS_URL) answers, else 0 (each replica then spends its share of the AWS call rate).',
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'campaign_gateway_graphql_request_duration_seconds',
      help:
        'Duration of GraphQL requests by operation name (validated names only, capped), operation type and ' +
        'outcome (success, error, rejected, aborted).',
      labelNames: ['operation_name', 'operation_type', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    graphqlInFlight: new Gauge({
      name: 'campaign_gateway_graphql_requests_in_flight',
      help: 'GraphQL requests received and not yet answered.',
      registers: [registry],
    }),
    unknownAwsValue: new Counter({
      name: 'campaign_gateway_unknown_aws_value_total',
      help: 'Values AWS answered that this gateway does not know (e.g. a campaign state AWS added later), answered null; by field and value (the first 20 distinct values, then "(other)").',
      labelNames: ['field', 'value'],
      registers: [registry],
    }),
    operationNames: new OperationNameLabels(MAX_OPERATION_NAMES),
    subscriptionsOpen: new Gauge({
      name: 'campaign_gateway_subscriptions_open',
      help: 'campaignStateChanged subscriptions open on this replica (WebSocket and SSE).',
      registers: [registry],
    }),
    liveCampaignsWatched: new Gauge({
      name: 'campaign_gateway_live_campaigns_watched',
      help: "Distinct campaigns this replica's subscribers watch.",
      registers: [registry],
    }),
    livePolls: new Counter({
      name: 'campaign_gateway_live_polls_total',
      help: 'GetCampaignStateBatch calls of the live-state poller on this replica, by outcome (success, error).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    livePollerLeader: new Gauge({
      name: 'campaign_gateway_live_poller_leader',
      help: "1 while this replica holds the poller's lease and polls live states for the fleet, else 0.",
      registers: [registry],
    }),
    liveEventsPushed: new Counter({
      name: 'campaign_gateway_live_events_pushed_total',
      help: 'campaignStateChanged events handed to subscribers on this replica.',
      registers: [registry],
    }),
    livePushLag: new Histogram({
      name: 'campaign_gateway_live_push_lag_seconds',
      help: "From the AWS answer that showed a campaign's state (a poll's, or the gateway's own action's) to its event handed to a subscriber.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
