import {
  PauseCampaignCommand,
  ResumeCampaignCommand,
  StartCampaignCommand,
  StopCampaignCommand,
} from '@aws-sdk/client-connectcampaignsv2';
import type { CampaignState } from './types';

/** Which configured scope an action needs: AUTH_START_SCOPE or AUTH_STOP_SCOPE. */
export type ActionScope = 'start' | 'stop';

/**
 * One lifecycle action, the single description everything else is derived from: the service's
 * AWS call, the GraphQL field and payload names, the scope check, the fan-out cap, the audit
 * line, the metrics, and the state machine the emulator and `Campaign.availableActions` share.
 */
export interface CampaignActionSpec {
  /** The AWS operation (also the emulator's and the upstream histogram's name for it). */
  operation: string;
  command: new (input: { id: string }) => StartCampaignCommand | PauseCampaignCommand | ResumeCampaignCommand | StopCampaignCommand;
  /** States AWS accepts the action in; any other answers InvalidCampaignStateException. */
  from: readonly CampaignState[];
  /** The state the campaign is in once AWS accepted the action. */
  to: CampaignState;
  scope: ActionScope;
  /** Whether the action makes the campaign dial customers: counted by MAX_STARTS_PER_OPERATION. */
  dials: boolean;
  /** The Mutation field. */
  field: string;
  /** The result union and its success member. */
  resultType: string;
  successType: string;
  /** The CampaignAction enum value. */
  enumValue: string;
  /** The audit log line's `event`. */
  auditEvent: string;
  /** Past participle for messages ("Campaign x cannot be paused"). */
  verb: string;
}

export const CAMPAIGN_ACTIONS = {
  start: {
    operation: 'StartCampaign',
    command: StartCampaignCommand,
    from: ['Initialized'],
    to: 'Running',
    scope: 'start',
    dials: true,
    field: 'startCampaign',
    resultType: 'StartCampaignResult',
    successType: 'StartCampaignSuccess',
    enumValue: 'START',
    auditEvent: 'campaign.start',
    verb: 'started',
  },
  pause: {
    operation: 'PauseCampaign',
    command: PauseCampaignCommand,
    from: ['Running'],
    to: 'Paused',
    scope: 'stop',
    dials: false,
    field: 'pauseCampaign',
    resultType: 'PauseCampaignResult',
    successType: 'PauseCampaignSuccess',
    enumValue: 'PAUSE',
    auditEvent: 'campaign.pause',
    verb: 'paused',
  },
  resume: {
    operation: 'ResumeCampaign',
    command: ResumeCampaignCommand,
    from: ['Paused'],
    to: 'Running',
    scope: 'start',
    dials: true,
    field: 'resumeCampaign',
    resultType: 'ResumeCampaignResult',
    successType: 'ResumeCampaignSuccess',
    enumValue: 'RESUME',
    auditEvent: 'campaign.resume',
    verb: 'resumed',
  },
  stop: {
    operation: 'StopCampaign',
    command: StopCampaignCommand,
    from: ['Running', 'Paused'],
    to: 'Stopped',
    scope: 'stop',
    dials: false,
    field: 'stopCampaign',
    resultType: 'StopCampaignResult',
    successType: 'StopCampaignSuccess',
    enumValue: 'STOP',
    auditEvent: 'campaign.stop',
    verb: 'stopped',
  },
} as const satisfies Record<string, CampaignActionSpec>;

export type CampaignActionName = keyof typeof CAMPAIGN_ACTIONS;

/** The action names, in the table's order (also the order of `availableActions`). */
export const CAMPAIGN_ACTION_NAMES = Object.keys(CAMPAIGN_ACTIONS) as CampaignActionName[];

/** The action a Mutation field or an AWS operation stands for. */
export function actionByField(field: string): CampaignActionName | undefined {
  return CAMPAIGN_ACTION_NAMES.find((name) => CAMPAIGN_ACTIONS[name].field === field);
}
export function actionByOperation(operation: string): CampaignActionName | undefined {
  return CAMPAIGN_ACTION_NAMES.find((name) => CAMPAIGN_ACTIONS[name].operation === operation);
}

/** What AWS would accept for a campaign in `state`, in the table's order. */
export function availableActions(state: CampaignState): CampaignActionName[] {
  return CAMPAIGN_ACTION_NAMES.filter((name) => (CAMPAIGN_ACTIONS[name].from as readonly CampaignState[]).includes(state));
}
