import type { CampaignStateWire, EmulatorCampaign, JsonObject, TelephonyOutboundModeWire } from './types';

/** The Connect instance holding the named demo campaigns and the first bulk batch. */
export const DEMO_INSTANCE_ID = '11111111-2222-4333-8444-555555555555';
/** A second instance, so instance filtering has something to filter out. */
export const DEMO_SECOND_INSTANCE_ID = '66666666-7777-4888-9999-aaaaaaaaaaaa';
export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

/**
 * Bulk campaigns outreach-001..052; the first 30 live in DEMO_INSTANCE_ID, the rest in the second.
 * Their ids sort after every `demo-` id, so the named demos (idle, running, paused, ...) fill the
 * first page of `campaigns` (the emulator lists by id).
 */
const BULK_COUNT = 52;
const BULK_IN_FIRST_INSTANCE = 30;

interface NamedDemo {
  id: string;
  name: string;
  state: CampaignStateWire;
  mode: TelephonyOutboundModeWire;
}

const NAMED_DEMOS: readonly NamedDemo[] = [
  { id: 'demo-spring-renewals', name: 'Spring Renewals', state: 'Initialized', mode: { progressive: { bandwidthAllocation: 1 } } },
  { id: 'demo-appointment-reminders', name: 'Appointment Reminders', state: 'Initialized', mode: { agentless: {} } },
  { id: 'demo-payment-followup', name: 'Payment Follow-up', state: 'Initialized', mode: { predictive: { bandwidthAllocation: 0.8 } } },
  { id: 'demo-running-survey', name: 'Customer Satisfaction Survey', state: 'Running', mode: { agentless: {} } },
  { id: 'demo-paused-winback', name: 'Win-back Offers', state: 'Paused', mode: { progressive: { bandwidthAllocation: 0.5 } } },
  { id: 'demo-stopped-promo', name: 'Summer Promotion (stopped)', state: 'Stopped', mode: { progressive: { bandwidthAllocation: 1 } } },
  { id: 'demo-completed-onboarding', name: 'New Customer Onboarding (completed)', state: 'Completed', mode: { predictive: { bandwidthAllocation: 1 } } },
  { id: 'demo-failed-import', name: 'Contact Import (failed)', state: 'Failed', mode: { agentless: {} } },
];

const WEEKDAY_HOURS: JsonObject = {
  MONDAY: [{ startTime: 'T09:00', endTime: 'T18:00' }],
  TUESDAY: [{ startTime: 'T09:00', endTime: 'T18:00' }],
  WEDNESDAY: [{ startTime: 'T09:00', endTime: 'T18:00' }],
  THURSDAY: [{ startTime: 'T09:00', endTime: 'T18:00' }],
  FRIDAY: [{ startTime: 'T09:00', endTime: 'T17:00' }],
};

function demoCampaign(
  accountId: string,
  region: string,
  instanceId: string,
  demo: NamedDemo,
  index: number,
): EmulatorCampaign {
  const slug = demo.id.replace(/^demo-/, '');
  // Stable, readable fake UUIDs derived from the index.
  const suffix = String(index).padStart(12, '0');
  return {
    id: demo.id,
    arn: `arn:aws:connect-campaigns:${region}:${accountId}:campaign/${demo.id}`,
    name: demo.name,
    connectInstanceId: instanceId,
    state: demo.state,
    // AWS answers a type for every campaign; without it the gateway's `type` would read null.
    type: 'MANAGED',
    channelSubtypeConfig: {
      telephony: {
        capacity: 1,
        outboundMode: demo.mode,
        defaultOutboundConfig: {
          connectContactFlowId: `aaaaaaaa-0000-4000-8000-${suffix}`,
          connectSourcePhoneNumber: '+12065550100',
          answerMachineDetectionConfig: { enableAnswerMachineDetection: true, awaitAnswerMachinePrompt: false },
        },
      },
    },
    source: {
      customerProfilesSegmentArn: `arn:aws:profile:${region}:${accountId}:domains/demo-domain/segment-definitions/${slug}`,
    },
    connectCampaignFlowArn: `arn:aws:connect:${region}:${accountId}:instance/${instanceId}/contact-flow/bbbbbbbb-0000-4000-8000-${suffix}`,
    schedule: {
      startTime: '2025-03-01T08:00:00Z',
      endTime: '2026-12-31T20:00:00Z',
      refreshFrequency: 'P1D',
    },
    communicationTimeConfig: {
      localTimeZoneConfig: { defaultTimeZone: 'America/New_York', localTimeZoneDetection: ['AREA_CODE', 'ZIP_CODE'] },
      telephony: { openHours: { dailyHours: structuredClone(WEEKDAY_HOURS) } },
    },
    communicationLimitsOverride: {
      allChannelSubtypes: { communicationLimitsList: [{ maxCountPerRecipient: 3, frequency: 7, unit: 'DAY' }] },
      instanceLimitsHandling: 'OPT_IN',
    },
    tags: { env: 'demo', owner: 'emulator' },
  };
}

/** Fresh, deterministic demo campaigns (new objects on every call: the store mutates them). */
export function seedCampaigns(accountId: string = DEFAULT_ACCOUNT_ID, region: string = DEFAULT_REGION): EmulatorCampaign[] {
  const campaigns = NAMED_DEMOS.map((demo, i) => demoCampaign(accountId, region, DEMO_INSTANCE_ID, demo, i + 1));
  for (let n = 1; n <= BULK_COUNT; n++) {
    const number = String(n).padStart(3, '0');
    const instanceId = n <= BULK_IN_FIRST_INSTANCE ? DEMO_INSTANCE_ID : DEMO_SECOND_INSTANCE_ID;
    const demo: NamedDemo = {
      id: `outreach-${number}`,
      name: `Bulk Outreach ${number}`,
      state: 'Initialized',
      mode: { progressive: { bandwidthAllocation: 1 } },
    };
    campaigns.push(demoCampaign(accountId, region, instanceId, demo, 100 + n));
  }
  return campaigns;
}
