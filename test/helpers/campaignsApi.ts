import { createCampaignsClient, type CampaignsClient, type RequestCampaignsApi } from '../../src/aws/campaignsClient';
import { Deadline } from '../../src/aws/deadline';

/**
 * The gateway's AWS boundary for unit tests that mock the SDK (aws-sdk-client-mock stubs the SDK
 * client's `send`, so nothing leaves the process).
 */
export function mockedCampaignsClient(): CampaignsClient {
  return createCampaignsClient({ requestTimeoutMs: 3000, connectTimeoutMs: 1000, emulatorEndpoint: 'http://127.0.0.1:1' });
}

/** A request's `CampaignsApi` whose deadline never comes within a test and whose budget is ample. */
export function roomyRequestApi(client: CampaignsClient = mockedCampaignsClient(), maxCalls = 1_000_000): RequestCampaignsApi {
  return client.forRequest({ deadline: Deadline.in(3_600_000), maxCalls });
}
