import type {
  Campaign as AwsCampaign,
  CampaignSummary as AwsCampaignSummary,
  ChannelSubtypeConfig,
  Schedule,
  Source,
  TelephonyChannelSubtypeConfig,
} from '@aws-sdk/client-connectcampaignsv2';
import type {
  CampaignChannelSubtype,
  CampaignDetails,
  CampaignSchedule,
  CampaignSource,
  CampaignSummary,
  CampaignTelephonyConfig,
  CampaignType,
} from './types';

// AWS adds enum values over time (WHATSAPP came later): a value this gateway does not know yet is
// left out (lists) or answered null, rather than failing the whole campaign.
const CHANNEL_SUBTYPES: ReadonlySet<string> = new Set<CampaignChannelSubtype>(['TELEPHONY', 'SMS', 'EMAIL', 'WHATSAPP']);
const CAMPAIGN_TYPES: ReadonlySet<string> = new Set<CampaignType>(['MANAGED', 'JOURNEY']);

/** ChannelSubtypeConfig members, by the ChannelSubtype each stands for. */
const CONFIG_SUBTYPES: ReadonlyArray<[keyof ChannelSubtypeConfig, CampaignChannelSubtype]> = [
  ['telephony', 'TELEPHONY'],
  ['sms', 'SMS'],
  ['email', 'EMAIL'],
  ['whatsApp', 'WHATSAPP'],
];

function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

function typeOf(value: string | undefined): CampaignType | null {
  return value !== undefined && CAMPAIGN_TYPES.has(value) ? (value as CampaignType) : null;
}

function scheduleOf(schedule: Schedule | undefined): CampaignSchedule | null {
  // Both times are required by the model; a schedule without them says nothing usable.
  if (!(schedule?.startTime instanceof Date) || !(schedule.endTime instanceof Date)) return null;
  return {
    startTime: schedule.startTime.toISOString(),
    endTime: schedule.endTime.toISOString(),
    refreshFrequency: orNull(schedule.refreshFrequency),
  };
}

/** A ListCampaigns row. */
export function toCampaignSummary(row: AwsCampaignSummary & { id: string }): CampaignSummary {
  return {
    id: row.id,
    name: orNull(row.name),
    arn: orNull(row.arn),
    connectInstanceId: orNull(row.connectInstanceId),
    type: typeOf(row.type),
    channelSubtypes: (row.channelSubtypes ?? []).filter((s): s is CampaignChannelSubtype => CHANNEL_SUBTYPES.has(s)),
    schedule: scheduleOf(row.schedule),
    connectCampaignFlowArn: orNull(row.connectCampaignFlowArn),
  };
}

function sourceOf(source: Source | undefined): CampaignSource | null {
  if (source === undefined) return null;
  const segment = source.customerProfilesSegmentArn;
  const domain = source.eventTrigger?.customerProfilesDomainArn;
  if (segment === undefined && source.eventTrigger === undefined) return null;
  return { customerProfilesSegmentArn: orNull(segment), customerProfilesDomainArn: orNull(domain) };
}

function telephonyOf(config: TelephonyChannelSubtypeConfig | undefined): CampaignTelephonyConfig | null {
  if (config === undefined) return null;
  const mode = config.outboundMode;
  const [outboundMode, bandwidthAllocation] = mode?.progressive
    ? (['PROGRESSIVE', mode.progressive.bandwidthAllocation] as const)
    : mode?.predictive
      ? (['PREDICTIVE', mode.predictive.bandwidthAllocation] as const)
      : mode?.preview
        ? (['PREVIEW', mode.preview.bandwidthAllocation] as const)
        : mode?.agentless
          ? (['AGENTLESS', undefined] as const)
          : ([null, undefined] as const);
  const outbound = config.defaultOutboundConfig;
  return {
    outboundMode,
    bandwidthAllocation: orNull(bandwidthAllocation),
    capacity: orNull(config.capacity),
    connectQueueId: orNull(config.connectQueueId),
    connectContactFlowId: orNull(outbound?.connectContactFlowId),
    connectSourcePhoneNumber: orNull(outbound?.connectSourcePhoneNumber),
    answerMachineDetection: orNull(outbound?.answerMachineDetectionConfig?.enableAnswerMachineDetection),
    ringTimeoutSeconds: orNull(outbound?.ringTimeout),
  };
}

/** DescribeCampaign's campaign. */
export function toCampaignDetails(campaign: AwsCampaign & { id: string }): CampaignDetails {
  const config = campaign.channelSubtypeConfig ?? {};
  return {
    ...toCampaignSummary({
      ...campaign,
      channelSubtypes: CONFIG_SUBTYPES.filter(([member]) => config[member] !== undefined).map(([, subtype]) => subtype),
    }),
    source: sourceOf(campaign.source),
    telephony: telephonyOf(config.telephony),
    timeZone: orNull(campaign.communicationTimeConfig?.localTimeZoneConfig?.defaultTimeZone),
    tags: Object.entries(campaign.tags ?? {})
      .map(([key, value]) => ({ key, value }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}
