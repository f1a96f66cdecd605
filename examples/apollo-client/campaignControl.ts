/**
 * Starting a campaign from a frontend with Apollo Client 4, typed end to end (docs/frontend.md).
 * Copy this file, startCampaign.graphql and the codegen target; nothing here is React-specific.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import {
  StartCampaignDocument,
  type CampaignState,
  type StartCampaignMutation,
} from './__generated__/graphql';
import generated from './__generated__/possibleTypes';

/** One member of the `StartCampaignResult` union, as the operation selects it. */
export type StartCampaignResult = StartCampaignMutation['startCampaign'];

/** What a UI shows after a start attempt. */
export interface StartFeedback {
  tone: 'success' | 'info' | 'warning' | 'error';
  message: string;
  /** Offer "try again": the gateway says retrying may succeed. */
  canRetry: boolean;
  /** AWS's request id, for a support case; null when the gateway answered without calling AWS. */
  awsRequestId: string | null;
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

/**
 * Every payload, handled. A payload type added to the schema reaches the `never` below after the
 * next codegen, and the build fails until it is handled here.
 */
export function feedbackFor(result: StartCampaignResult): StartFeedback {
  switch (result.__typename) {
    case 'StartCampaignSuccess': {
      const { campaign } = result;
      const state = campaign.state ? STATE_LABELS[campaign.state] : 'unknown';
      return { tone: 'success', message: `Campaign ${campaign.id} started (now ${state}).`, canRetry: false, awsRequestId: null };
    }
    case 'InvalidCampaignStateError':
      // Also the answer to a retried start that had in fact gone through: the campaign is running.
      return {
        tone: result.state === 'RUNNING' ? 'info' : 'warning',
        message: `The campaign is ${STATE_LABELS[result.state]}, so it cannot be started.`,
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
      return { tone: 'error', message: 'You may not start this campaign.', canRetry: false, awsRequestId: result.requestId };
    case 'CampaignConflictError':
      return { tone: 'warning', message: 'The campaign is being changed; reload it and try again.', canRetry: false, awsRequestId: result.requestId };
    case 'CampaignThrottlingError':
    case 'CampaignInternalServerError':
      return { tone: 'warning', message: 'AWS is busy. Try again in a moment.', canRetry: result.retryable, awsRequestId: result.requestId };
    default: {
      // Compile time: fails once the union has a member this switch does not handle.
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

/** The top-level errors the gateway documents (README, "Starting a campaign"). */
function feedbackForTopLevelError(code: unknown): StartFeedback {
  switch (code) {
    case 'OUTCOME_UNKNOWN':
      return {
        tone: 'warning',
        message: 'No answer came from AWS, so the campaign may or may not have started. Trying again is safe.',
        canRetry: true,
        awsRequestId: null,
      };
    case 'UPSTREAM_UNAVAILABLE':
      return { tone: 'warning', message: 'AWS could not be reached. Try again later.', canRetry: true, awsRequestId: null };
    default:
      return { tone: 'error', message: 'Something went wrong. It was logged.', canRetry: false, awsRequestId: null };
  }
}

export async function startCampaign(client: ApolloClient, id: string): Promise<StartFeedback> {
  try {
    const { data } = await client.mutate({ mutation: StartCampaignDocument, variables: { id }, errorPolicy: 'none' });
    return feedbackFor(data.startCampaign);
  } catch (error) {
    // Anything AWS did not document comes as a top-level error with an extensions.code.
    if (CombinedGraphQLErrors.is(error)) return feedbackForTopLevelError(error.errors[0]?.extensions?.code);
    throw error;
  }
}
