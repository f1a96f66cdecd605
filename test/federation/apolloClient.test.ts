import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Kind, OperationTypeNode, type DocumentNode } from 'graphql';
import introspection from '../../src/generated/possibleTypes';
import { ACTION_FAULTS } from '../helpers/actionFaults';
import { startFederation, type Federation } from '../helpers/supergraph';

// What a frontend writes: fragments on the interface, not on each of the seven error types.
const START = gql`
  mutation StartCampaign($id: ID!) {
    startCampaign(id: $id) {
      __typename
      ... on StartCampaignSuccess {
        campaign { id state }
      }
      ... on CampaignError {
        code
        message
        retryable
        requestId
      }
      ... on InvalidCampaignStateError { state }
      ... on CampaignValidationError { field }
    }
  }
`;

// The cache reads selections from any root object but only takes a query document: the same
// selection, asked of ROOT_MUTATION, reads back what the mutation wrote.
const START_READ_BACK: DocumentNode = {
  ...START,
  definitions: START.definitions.map((d) => (d.kind === Kind.OPERATION_DEFINITION ? { ...d, operation: OperationTypeNode.QUERY } : d)),
};

type Payload = Record<string, unknown> & { __typename: string };

let federation: Federation;
beforeAll(async () => {
  federation = await startFederation();
});
afterAll(() => federation.close());
beforeEach(() => {
  federation.campaigns.emulator.store.reset();
  federation.campaigns.emulator.faults.clear();
});

function client(possibleTypes?: Record<string, string[]>): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: federation.supergraph.url }),
    cache: new InMemoryCache(possibleTypes ? { possibleTypes } : {}),
  });
}

/**
 * Runs the mutation and reads its result back out of the normalized cache, where fragments on
 * `CampaignError` only match when the cache knows which types implement it (possibleTypes).
 */
async function startAndReadCache(apollo: ApolloClient, id: string): Promise<Payload | null> {
  const { data } = await apollo.mutate<{ startCampaign: Payload }>({ mutation: START, variables: { id }, keepRootFields: true });
  expect(data?.startCampaign.__typename).toBeDefined();
  const cached = apollo.cache.read<{ startCampaign: Payload }>({ query: START_READ_BACK, variables: { id }, rootId: 'ROOT_MUTATION', optimistic: false });
  return cached?.startCampaign ?? null;
}

describe('Apollo Client (possibleTypes from codegen) through the gateway', () => {
  it('lists every CampaignError implementation in the generated possibleTypes', () => {
    expect([...introspection.possibleTypes.CampaignError].sort()).toEqual(
      [...ACTION_FAULTS.map(([, typename]) => typename), 'CampaignNotFoundError', 'InvalidCampaignStateError'].sort(),
    );
  });

  it('reads StartCampaignSuccess with the fresh state', async () => {
    const apollo = client(introspection.possibleTypes);
    expect(await startAndReadCache(apollo, 'demo-spring-renewals')).toEqual({
      __typename: 'StartCampaignSuccess',
      campaign: { __typename: 'Campaign', id: 'demo-spring-renewals', state: 'RUNNING' },
    });
  });

  it.each([
    [
      'InvalidCampaignStateError, through the interface fragment and its own',
      'demo-running-survey',
      { __typename: 'InvalidCampaignStateError', code: 'INVALID_CAMPAIGN_STATE', retryable: false, requestId: expect.any(String), state: 'RUNNING' },
    ],
    [
      'CampaignNotFoundError',
      'no-such-campaign',
      { __typename: 'CampaignNotFoundError', code: 'RESOURCE_NOT_FOUND', retryable: false, requestId: expect.any(String) },
    ],
    [
      'the gateway’s own CampaignValidationError (no AWS request id)',
      'has space',
      { __typename: 'CampaignValidationError', code: 'VALIDATION', retryable: false, requestId: null, field: 'id' },
    ],
  ])('reads %s', async (_what, id, expected) => {
    const apollo = client(introspection.possibleTypes);
    expect(await startAndReadCache(apollo, id)).toEqual({ ...expected, message: expect.any(String) });
  });

  it.each(ACTION_FAULTS)('reads %s as %s', async (exception, typename, code, retryable) => {
    federation.campaigns.emulator.faults.failNext('StartCampaign', 1, { name: exception, message: `emulated ${exception}` });
    const apollo = client(introspection.possibleTypes);
    expect(await startAndReadCache(apollo, 'demo-payment-followup')).toMatchObject({
      __typename: typename,
      code,
      message: `emulated ${exception}`,
      retryable,
      requestId: expect.any(String),
    });
  });

  it('without possibleTypes, the cache cannot match the interface fragment (what the generated file is for)', async () => {
    const apollo = client();
    const cached = await startAndReadCache(apollo, 'no-such-campaign');
    // Only what needs no fragment matching survives: the fields of `... on CampaignError` are lost.
    expect(cached).toEqual({ __typename: 'CampaignNotFoundError' });
  });
});
