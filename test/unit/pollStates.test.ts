import { ConnectCampaignsV2Client, GetCampaignStateBatchCommand } from '@aws-sdk/client-connectcampaignsv2';
import { mockClient } from 'aws-sdk-client-mock';
import { pollStates } from '../../src/live/pollStates';
import { mockedCampaignsClient } from '../helpers/campaignsApi';

describe('pollStates (the live feed\'s one AWS call)', () => {
  const sdk = mockClient(ConnectCampaignsV2Client);
  afterEach(() => sdk.reset());

  it('answers a state AWS added later as null, and tells the process\'s reporter of it', async () => {
    sdk.on(GetCampaignStateBatchCommand).resolves({
      successfulRequests: [
        { campaignId: 'a', state: 'Running' },
        { campaignId: 'b', state: 'Archived' as never },
      ],
      failedRequests: [],
    });
    const seen: Array<[string, string]> = [];
    const polled = await pollStates(mockedCampaignsClient(), ['a', 'b'], { onUnknownValue: (field, value) => seen.push([field, value]) });
    expect(polled.rows.map(({ id, state }) => [id, state])).toEqual([
      ['a', 'Running'],
      ['b', null],
    ]);
    expect(seen).toEqual([['state', 'Archived']]);
  });
});
