/**
 * Wire-level types of the emulator. Optional Campaign members are kept in their JSON wire form
 * (timestamps as ISO 8601 strings) so the store can be serialised without conversion.
 */

export type CampaignStateWire = 'Initialized' | 'Running' | 'Paused' | 'Stopped' | 'Failed' | 'Completed';

/**
 * A state AWS may add later (say `Archived`): a PascalCase word that is none of CAMPAIGN_STATES.
 * A campaign can be put in one (store, control API) to see how a client copes; no action leaves it.
 */
export type LaterCampaignStateWire = string & { readonly laterCampaignState?: never };

/** What the emulator may answer as a campaign's state. */
export type AnsweredCampaignStateWire = CampaignStateWire | LaterCampaignStateWire;

export const CAMPAIGN_STATES: readonly CampaignStateWire[] = [
  'Initialized',
  'Running',
  'Paused',
  'Stopped',
  'Failed',
  'Completed',
];

export type OperationName =
  | 'StartCampaign'
  | 'StopCampaign'
  | 'PauseCampaign'
  | 'ResumeCampaign'
  | 'GetCampaignState'
  | 'GetCampaignStateBatch'
  | 'DescribeCampaign'
  | 'ListCampaigns';

export const OPERATION_NAMES: readonly OperationName[] = [
  'StartCampaign',
  'StopCampaign',
  'PauseCampaign',
  'ResumeCampaign',
  'GetCampaignState',
  'GetCampaignStateBatch',
  'DescribeCampaign',
  'ListCampaigns',
];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** TelephonyOutboundMode is a union: exactly one member set. */
export type TelephonyOutboundModeWire =
  | { progressive: { bandwidthAllocation: number } }
  | { predictive: { bandwidthAllocation: number } }
  | { agentless: Record<string, never> }
  | { preview: JsonObject };

export interface TelephonyChannelSubtypeConfigWire {
  capacity?: number;
  connectQueueId?: string;
  outboundMode: TelephonyOutboundModeWire;
  defaultOutboundConfig: {
    connectContactFlowId: string;
    connectSourcePhoneNumber?: string;
    answerMachineDetectionConfig?: { enableAnswerMachineDetection: boolean; awaitAnswerMachinePrompt?: boolean };
    ringTimeout?: number;
  };
}

export interface ChannelSubtypeConfigWire {
  telephony?: TelephonyChannelSubtypeConfigWire;
  sms?: JsonObject;
  email?: JsonObject;
  whatsApp?: JsonObject;
}

/** Source is a union: exactly one member set. */
export type SourceWire = { customerProfilesSegmentArn: string } | { eventTrigger: { customerProfilesDomainArn?: string } };

/** Schedule timestamps use @timestampFormat("date-time"): ISO 8601 strings on the wire. */
export interface ScheduleWire {
  startTime: string;
  endTime: string;
  refreshFrequency?: string;
}

export interface EmulatorCampaign {
  id: string;
  arn: string;
  name: string;
  connectInstanceId: string;
  state: AnsweredCampaignStateWire;
  /** AWS ExternalCampaignType, in both DescribeCampaign and ListCampaigns answers. */
  type?: 'MANAGED' | 'JOURNEY';
  channelSubtypeConfig?: ChannelSubtypeConfigWire;
  source?: SourceWire;
  connectCampaignFlowArn?: string;
  schedule?: ScheduleWire;
  communicationTimeConfig?: JsonObject;
  communicationLimitsOverride?: JsonObject;
  tags?: Record<string, string>;
}

export interface RecordedCall {
  operation: OperationName;
  /** The campaign ids the request named (label or batch body); empty for ListCampaigns. */
  campaignIds: string[];
  /** Date.now() when the request (body included) had arrived. */
  at: number;
}
