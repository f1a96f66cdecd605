/**
 * A campaign's start / pause / resume / stop control from a frontend with Apollo Client 4, typed
 * end to end (docs/frontend.md). Copy this file, campaignControl.graphql and the codegen target;
 * nothing here is React-specific.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import {
  CampaignControlDocument,
  PauseCampaignDocument,
  ResumeCampaignDocument,
  StartCampaignDocument,
  StopCampaignDocument,
  type CampaignAction,
  type CampaignControlQuery,
  type CampaignState,
  type PauseCampaignMutation,
  type ResumeCampaignMutation,
  type StartCampaignMutation,
  type StopCampaignMutation,
} from './__generated__/graphql';
import generated from './__generated__/possibleTypes';

/** One member of an action's result union, as the operations select it (non-null: see `runAction`). */
export type CampaignActionResult =
  | NonNullable<StartCampaignMutation['startCampaign']>
  | NonNullable<PauseCampaignMutation['pauseCampaign']>
  | NonNullable<ResumeCampaignMutation['resumeCampaign']>
  | NonNullable<StopCampaignMutation['stopCampaign']>;

/** What a UI shows after an action attempt. */
export interface ActionFeedback {
  tone: 'success' | 'info' | 'warning' | 'error';
  message: string;
  /** Offer "try again": the gateway says retrying may succeed. */
  canRetry: boolean;
  /** AWS's request id, for a support case; null when the gateway answered without calling AWS. */
  awsRequestId: string | null;
}

/** One button of the control. */
export interface ActionButton {
  action: CampaignAction;
  label: string;
  /** Only what AWS would accept in the campaign's current state (`Campaign.availableActions`). */
  enabled: boolean;
  /** Start and resume dial customers: ask before. */
  confirm: boolean;
}

export function createCampaignClient(uri: string, headers: Record<string, string> = {}): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri, headers }),
    // Without possibleTypes the cache cannot tell that, say, CampaignThrottlingError is a
    // CampaignError, and drops the fields of `... on CampaignError` fragments it stores.
    cache: new InMemoryCache({ possibleTypes: generated.possibleTypes }),
  });
}

const STATE_LABELS: Record<CampaignState, string> = {
  INITIALIZED: 'not started',
  RUNNING: 'running',
  PAUSED: 'paused',
  STOPPED: 'stopped',
  FAILED: 'failed',
  COMPLETED: 'completed',
};

/** `leadsTo`: the state the action ends in, so a refusal in that state means "already done". */
const ACTIONS: Record<CampaignAction, { label: string; done: string; verb: string; dials: boolean; leadsTo: CampaignState }> = {
  START: { label: 'Start', done: 'started', verb: 'start', dials: true, leadsTo: 'RUNNING' },
  PAUSE: { label: 'Pause', done: 'paused', verb: 'pause', dials: false, leadsTo: 'PAUSED' },
  RESUME: { label: 'Resume', done: 'resumed', verb: 'resume', dials: true, leadsTo: 'RUNNING' },
  STOP: { label: 'Stop', done: 'stopped', verb: 'stop', dials: false, leadsTo: 'STOPPED' },
};

/**
 * The buttons for a campaign as `CampaignControl` read it. `availableActions` null means its state
 * could not be read: every button is disabled rather than guessed.
 */
export function buttonsFor(campaign: NonNullable<CampaignControlQuery['campaign']>): ActionButton[] {
  const available = new Set(campaign.availableActions ?? []);
  return (Object.keys(ACTIONS) as CampaignAction[]).map((action) => ({
    action,
    label: ACTIONS[action].label,
    enabled: available.has(action),
    confirm: ACTIONS[action].dials,
  }));
}

/**
 * Every payload of every action, handled. A payload type added to the schema reaches the `never`
 * below after the next codegen, and the build fails until it is handled here.
 */
export function feedbackFor(action: CampaignAction, result: CampaignActionResult): ActionFeedback {
  const { done, verb, leadsTo } = ACTIONS[action];
  switch (result.__typename) {
    case 'StartCampaignSuccess':
    case 'PauseCampaignSuccess':
    case 'ResumeCampaignSuccess':
    case 'StopCampaignSuccess': {
      const { campaign } = result;
      const state = campaign.state ? STATE_LABELS[campaign.state] : 'unknown';
      return { tone: 'success', message: `Campaign ${campaign.id} ${done} (now ${state}).`, canRetry: false, awsRequestId: null };
    }
    case 'InvalidCampaignStateError':
      // Also the answer to a retried action that had in fact gone through (a start answered RUNNING).
      return {
        tone: result.state === leadsTo ? 'info' : 'warning',
        message: `The campaign is ${STATE_LABELS[result.state]}, so it cannot be ${done}.`,
        canRetry: false,
        awsRequestId: result.requestId,
      };
    case 'CampaignValidationError':
      return {
        tone: 'error',
        message: result.field ? `Invalid ${result.field}: ${result.message}` : result.message,
        canRetry: false,
        awsRequestId: result.requestId,
      };
    case 'CampaignNotFoundError':
      return { tone: 'error', message: 'No such campaign.', canRetry: false, awsRequestId: result.requestId };
    case 'CampaignAccessDeniedError':
      return { tone: 'error', message: `You may not ${verb} this campaign.`, canRetry: false, awsRequestId: result.requestId };
    case 'CampaignConflictError':
      return { tone: 'warning', message: 'The campaign is being changed; reload it and try again.', canRetry: false, awsRequestId: result.requestId };
    case 'CampaignThrottlingError':
    case 'CampaignInternalServerError':
      return { tone: 'warning', message: 'AWS is busy. Try again in a moment.', canRetry: result.retryable, awsRequestId: result.requestId };
    default: {
      // Compile time: fails once a union has a member this switch does not handle.
      const unhandled: never = result;
      // Run time: a newer gateway may answer a type this build does not know yet.
      return {
        tone: 'error',
        message: `Unexpected answer: ${(unhandled as { __typename: string }).__typename}`,
        canRetry: false,
        awsRequestId: null,
      };
    }
  }
}

/** The top-level errors the gateway documents (docs/api.md, "Errors that are not data"). */
function feedbackForTopLevelError(action: CampaignAction, code: unknown): ActionFeedback {
  switch (code) {
    case 'OUTCOME_UNKNOWN':
      return {
        tone: 'warning',
        message: `No answer came from AWS, so the campaign may or may not have been ${ACTIONS[action].done}. Reload it before trying again.`,
        canRetry: true,
        awsRequestId: null,
      };
    case 'UPSTREAM_UNAVAILABLE':
      return { tone: 'warning', message: 'AWS could not be reached. Try again later.', canRetry: true, awsRequestId: null };
    default:
      return { tone: 'error', message: 'Something went wrong. It was logged.', canRetry: false, awsRequestId: null };
  }
}

/** Sends one action's mutation; the result is the action's union member (never null: see below). */
async function send(client: ApolloClient, action: CampaignAction, id: string): Promise<CampaignActionResult | null> {
  // errorPolicy 'none': a null field always comes with a top-level error, which rejects the call.
  switch (action) {
    case 'START':
      return (await client.mutate({ mutation: StartCampaignDocument, variables: { id }, errorPolicy: 'none' })).data.startCampaign;
    case 'PAUSE':
      return (await client.mutate({ mutation: PauseCampaignDocument, variables: { id }, errorPolicy: 'none' })).data.pauseCampaign;
    case 'RESUME':
      return (await client.mutate({ mutation: ResumeCampaignDocument, variables: { id }, errorPolicy: 'none' })).data.resumeCampaign;
    case 'STOP':
      return (await client.mutate({ mutation: StopCampaignDocument, variables: { id }, errorPolicy: 'none' })).data.stopCampaign;
  }
}

/** Runs one button's action and says what to show. */
export async function runAction(client: ApolloClient, action: CampaignAction, id: string): Promise<ActionFeedback> {
  try {
    const result = await send(client, action, id);
    if (result === null) return feedbackForTopLevelError(action, undefined);
    return feedbackFor(action, result);
  } catch (error) {
    // Anything AWS did not document comes as a top-level error with an extensions.code.
    if (CombinedGraphQLErrors.is(error)) return feedbackForTopLevelError(action, error.errors[0]?.extensions?.code);
    throw error;
  }
}

/** Reads a campaign and the buttons to show for it; null when AWS does not know the campaign. */
export async function loadControl(client: ApolloClient, id: string): Promise<ActionButton[] | null> {
  const { data } = await client.query({ query: CampaignControlDocument, variables: { id }, fetchPolicy: 'network-only' });
  return data?.campaign ? buttonsFor(data.campaign) : null;
}
