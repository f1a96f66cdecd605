/**
 * The operations the explorer opens with, one tab each, on the emulator's demo campaigns: a read
 * of the first page, then one of each action on a campaign whose state accepts it.
 */
export interface ExampleOperation {
  query: string;
  variables?: string;
}

const ERROR_FIELDS = `    ... on CampaignError {
      code
      message
      retryable
      requestId
    }`;

function action(operation: string, field: string, successType: string, campaignId: string, why: string): ExampleOperation {
  return {
    query: `# ${why}
mutation ${operation}($id: ID!) {
  ${field}(id: $id) {
    __typename
    ... on ${successType} {
      campaign {
        id
        state
        availableActions
      }
    }
${ERROR_FIELDS}
  }
}
`,
    variables: JSON.stringify({ id: campaignId }, null, 2),
  };
}

export const EXAMPLE_OPERATIONS: readonly ExampleOperation[] = [
  {
    query: `# The first page of campaigns: one ListCampaigns, and one GetCampaignStateBatch for every state.
# Run it with the button above (or Ctrl-Enter); the other tabs act on the demo campaigns.
query FirstPage {
  campaigns(first: 10) {
    edges {
      node {
        id
        name
        state
        availableActions
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`,
  },
  action('StartCampaign', 'startCampaign', 'StartCampaignSuccess', 'demo-spring-renewals', 'Starts an initialized demo campaign; a second run answers InvalidCampaignStateError.'),
  action('PauseCampaign', 'pauseCampaign', 'PauseCampaignSuccess', 'demo-running-survey', 'Pauses the running demo campaign.'),
  action('ResumeCampaign', 'resumeCampaign', 'ResumeCampaignSuccess', 'demo-paused-winback', 'Resumes the paused demo campaign.'),
  action('StopCampaign', 'stopCampaign', 'StopCampaignSuccess', 'demo-running-survey', 'Stops a demo campaign for good (running or paused).'),
];
