import { CampaignState } from '@aws-sdk/client-connectcampaignsv2';
import type { CampaignExceptionName } from '../aws/exceptions';

/** AWS's campaign states ("Running", ...); GraphQL exposes them as RUNNING, ... */
export { CampaignState };

const KNOWN_STATES: ReadonlySet<string> = new Set(Object.values(CampaignState));

/** Whether AWS's `state` is one this gateway knows (AWS may add states later). */
export function isKnownCampaignState(state: string): state is CampaignState {
  return KNOWN_STATES.has(state);
}

/**
 * A value AWS answered for an enum this gateway does not know yet (a state AWS added later, say
 * `Archived`): kept apart from the known values, so that a field can answer null and say why.
 */
export class UnknownAwsValue {
  constructor(
    /** What it was the value of, e.g. `state`. */
    readonly field: string,
    readonly value: string,
  ) {}
}

/** A campaign's state (or one this gateway does not know yet) and when AWS reported it (ms since the epoch): see `Campaign.stateAsOf`. */
export interface CampaignStateAsOf {
  state: CampaignState | UnknownAwsValue;
  asOf: number;
}

/**
 * What a GraphQL `Campaign` stands for: its id. Every other field comes through the request's
 * loaders, which rows of ListCampaigns prime (so a listed name costs no DescribeCampaign).
 */
export interface CampaignRef {
  id: string;
}

/** Who drives a campaign (AWS ExternalCampaignType). */
export type CampaignType = 'MANAGED' | 'JOURNEY';
/** A channel a campaign uses (AWS ChannelSubtype). */
export type CampaignChannelSubtype = 'TELEPHONY' | 'SMS' | 'EMAIL' | 'WHATSAPP';
/** How a telephony campaign dials (the member set of AWS TelephonyOutboundMode). */
export type CampaignTelephonyOutboundMode = 'PROGRESSIVE' | 'PREDICTIVE' | 'AGENTLESS' | 'PREVIEW';

export interface CampaignSchedule {
  /** ISO 8601, UTC. */
  startTime: string;
  endTime: string;
  /** ISO 8601 duration. */
  refreshFrequency: string | null;
}

export interface CampaignSource {
  customerProfilesSegmentArn: string | null;
  customerProfilesDomainArn: string | null;
}

export interface CampaignTelephonyConfig {
  outboundMode: CampaignTelephonyOutboundMode | null;
  bandwidthAllocation: number | null;
  capacity: number | null;
  connectQueueId: string | null;
  connectContactFlowId: string | null;
  connectSourcePhoneNumber: string | null;
  answerMachineDetection: boolean | null;
  ringTimeoutSeconds: number | null;
}

/** What one ListCampaigns row tells of a campaign (AWS CampaignSummary). */
export interface CampaignSummary {
  id: string;
  name: string | null;
  arn: string | null;
  connectInstanceId: string | null;
  type: CampaignType | null;
  channelSubtypes: CampaignChannelSubtype[];
  schedule: CampaignSchedule | null;
  connectCampaignFlowArn: string | null;
}

/** What DescribeCampaign tells of a campaign: the summary and more. */
export interface CampaignDetails extends CampaignSummary {
  source: CampaignSource | null;
  telephony: CampaignTelephonyConfig | null;
  timeZone: string | null;
  /** Sorted by key. */
  tags: Array<{ key: string; value: string }>;
}

/**
 * A place in ListCampaigns' order: the AWS page that `token` starts (null: the first page), and how
 * many of its campaigns lie before the place. Pages are always asked at the same size, so a place
 * stays meaningful between requests.
 */
export interface ListPosition {
  token: string | null;
  offset: number;
}

/** A page of campaigns, each with the place right after it. */
export interface CampaignPage {
  items: Array<{ campaign: CampaignSummary; after: ListPosition }>;
  hasNextPage: boolean;
  /** Where the next page starts; null when this page is empty and nothing follows. */
  end: ListPosition | null;
}

interface FailureBase {
  message: string;
  /** True exactly for the exceptions the AWS model marks @retryable. */
  retryable: boolean;
  /** AWS's request id; null when the gateway refused without calling AWS. */
  requestId: string | null;
}

/** A documented failure, named after the AWS exception it stands for. */
export type CampaignFailure =
  | (FailureBase & { kind: 'InvalidCampaignStateException'; state: CampaignState })
  | (FailureBase & { kind: 'ValidationException'; field: string | null })
  | (FailureBase & {
      kind: Exclude<CampaignExceptionName, 'InvalidCampaignStateException' | 'ValidationException'>;
    });

/** The outcome of one lifecycle action (start, pause, resume, stop) that AWS documented. */
export type CampaignActionResult =
  | { ok: true; campaignId: string; requestId: string | null }
  | { ok: false; failure: CampaignFailure };
